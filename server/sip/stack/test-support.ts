// An in-memory TransportLayer for core tests: messages are injected as raw SIP text (written out
// by hand in the tests, per RFC 3261 §7) and what the core sends is recorded with its destination.
import { FakeClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { getHeader } from '../message/headers.js';
import { parseMessage } from '../message/parser.js';
import type { SipMessage, SipResponse } from '../message/types.js';
import type { Flow, ListeningPoint, SendTarget, TransportEvents, TransportLayer, TransportProtocol } from '../transport/types.js';
import { createSipStack } from './core.js';
import type { SipStackOptions } from './core.js';
import type { SipStack } from './types.js';

export interface Sent {
  readonly message: SipMessage;
  readonly to: Flow | SendTarget;
  readonly at: number;
}

export class FakeTransport implements TransportLayer {
  readonly sent: Sent[] = [];
  readonly protocol: TransportProtocol;
  readonly #clock: FakeClock;
  readonly #listeners: { [E in keyof TransportEvents]: TransportEvents[E][] } = { message: [], 'parse-error': [], 'flow-closed': [] };
  /** when set, every send rejects (a transport error, RFC 3261 §17.1.4) */
  failSends = false;

  constructor(protocol: TransportProtocol, clock: FakeClock) {
    this.protocol = protocol;
    this.#clock = clock;
  }

  async start(): Promise<void> {}
  async close(): Promise<void> {}
  keepalive(): boolean {
    return false;
  }
  isAlive(): boolean {
    return true;
  }
  listening(): readonly ListeningPoint[] {
    return [{ protocol: this.protocol, address: '192.0.2.1', port: 5060 }];
  }
  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners[event].push(listener);
  }

  send(message: SipMessage, to: Flow | SendTarget): Promise<Flow> {
    this.sent.push({ message, to, at: this.#clock.now() });
    if (this.failSends) return Promise.reject(new Error('unreachable'));
    const flow: Flow = 'local' in to ? to : { protocol: to.protocol, local: { address: '192.0.2.1', port: 5060 }, remote: to.remote };
    return Promise.resolve(flow);
  }

  /** A flow from a peer: reliable ones carry a connection id. */
  flow(remote = { address: '198.51.100.7', port: 40000 }): Flow {
    const base = { protocol: this.protocol, local: { address: '192.0.2.1', port: 5060 }, remote };
    return this.protocol === 'udp' ? base : { ...base, connectionId: 'c1' };
  }

  /** Parse raw text (CRLF line ends are added) and deliver it as the transport would. */
  inject(text: string, flow: Flow = this.flow()): void {
    const bytes = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
    const parsed = parseMessage(bytes);
    if (parsed.ok) for (const l of this.#listeners.message) l(parsed.value, flow);
    else for (const l of this.#listeners['parse-error']) l(parsed.error, flow);
  }

  responses(): SipResponse[] {
    return this.sent.flatMap((s) => (s.message.kind === 'response' ? [s.message] : []));
  }

  statuses(): number[] {
    return this.responses().map((r) => r.status);
  }
}

export interface Harness {
  readonly clock: FakeClock;
  readonly transport: FakeTransport;
  readonly stack: SipStack;
}

export function harness(protocol: TransportProtocol = 'udp', options: Partial<SipStackOptions> = {}): Harness {
  const clock = new FakeClock(0);
  const transport = new FakeTransport(protocol, clock);
  const stack = createSipStack({ transport, clock, logger: silentLogger, ...options });
  return { clock, transport, stack };
}

/** Let queued promise callbacks (async handlers, transport sends) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}

export const hdr = (m: SipMessage, name: string): string | undefined => getHeader(m, name);

/** A request written out by hand; fields overridable per test. */
export function raw(o: {
  method?: string;
  uri?: string;
  branch?: string;
  via?: string;
  cseq?: string;
  callId?: string | null;
  fromTag?: string;
  to?: string;
  extra?: string[];
  version?: string;
}): string {
  const method = o.method ?? 'OPTIONS';
  const lines = [
    `${method} ${o.uri ?? 'sip:bob@biloxi.example.com'} ${o.version ?? 'SIP/2.0'}`,
    `Via: ${o.via ?? `SIP/2.0/UDP pc33.atlanta.example.com;branch=${o.branch ?? 'z9hG4bKnashds8'}`}`,
    'Max-Forwards: 70',
    `To: ${o.to ?? 'Bob <sip:bob@biloxi.example.com>'}`,
    `From: Alice <sip:alice@atlanta.example.com>;tag=${o.fromTag ?? '1928301774'}`,
    ...(o.callId === null ? [] : [`Call-ID: ${o.callId ?? 'a84b4c76e66710@pc33.atlanta.example.com'}`]),
    `CSeq: ${o.cseq ?? `314159 ${method}`}`,
    ...(o.extra ?? []),
    'Content-Length: 0',
    '',
    '',
  ];
  return lines.join('\n');
}
