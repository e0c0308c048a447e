// Shared fixtures for the transport tests: hand-written SIP text (RFC 3261 style), an event
// queue over a TransportLayer, bounded waits, and node-sip's parser as an independent reader.
import { createRequire } from 'node:module';
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import type { SipMessage, SipResponse } from '../message/types.js';
import { silentLogger } from '../logger.js';
import type { Clock } from '../clock.js';
import type { Flow, TraceEvent, TransportLayer, TransportProtocol } from './types.js';
import type { ParseError } from '../message/types.js';
import { createTransportLayer } from './layer.js';
import type { TransportOptions } from './layer.js';

/** Every wait in these tests is bounded; this bound is a hang guard, never a speed assertion. */
export const WAIT_MS = 5000;

/** An OPTIONS request as a phone would write it (RFC 3261 §11.1 example, adapted). */
export function rawOptions(callId: string, transport = 'UDP'): string {
  return (
    `OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n` +
    `Via: SIP/2.0/${transport} pc33.example.com;branch=z9hG4bKhjhs8ass877\r\n` +
    `Max-Forwards: 70\r\n` +
    `To: <sip:carol@chicago.example.com>\r\n` +
    `From: Alice <sip:alice@example.com>;tag=1928301774\r\n` +
    `Call-ID: ${callId}\r\n` +
    `CSeq: 63104 OPTIONS\r\n` +
    `Contact: <sip:alice@pc33.example.com>\r\n` +
    `Accept: application/sdp\r\n` +
    `Content-Length: 0\r\n` +
    `\r\n`
  );
}

/** A 200 OK to rawOptions, as a typed message for send(). */
export function okResponse(callId: string, transport = 'UDP'): SipResponse {
  return {
    kind: 'response',
    version: 'SIP/2.0',
    status: 200,
    reason: 'OK',
    headers: [
      { name: 'Via', value: `SIP/2.0/${transport} pc33.example.com;branch=z9hG4bKhjhs8ass877` },
      { name: 'To', value: '<sip:carol@chicago.example.com>;tag=93810874' },
      { name: 'From', value: 'Alice <sip:alice@example.com>;tag=1928301774' },
      { name: 'Call-ID', value: callId },
      { name: 'CSeq', value: '63104 OPTIONS' },
      { name: 'Content-Length', value: '0' },
    ],
    body: new Uint8Array(0),
  };
}

/** An OPTIONS request as a typed message for send(). */
export function optionsRequest(callId: string, transport = 'UDP'): SipMessage {
  return {
    kind: 'request',
    version: 'SIP/2.0',
    method: 'OPTIONS',
    uri: 'sip:carol@chicago.example.com',
    headers: [
      { name: 'Via', value: `SIP/2.0/${transport} server.example.com;branch=z9hG4bK776asdhds` },
      { name: 'Max-Forwards', value: '70' },
      { name: 'To', value: '<sip:carol@chicago.example.com>' },
      { name: 'From', value: '<sip:hailing@example.com>;tag=88sja8x' },
      { name: 'Call-ID', value: callId },
      { name: 'CSeq', value: '1 OPTIONS' },
      { name: 'Content-Length', value: '0' },
    ],
    body: new Uint8Array(0),
  };
}

export function header(message: SipMessage, name: string): string | undefined {
  return message.headers.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value;
}

/** node-sip (an independent implementation) reading what we put on the wire. */
interface NodeSipMessage {
  method?: string;
  status?: number;
  reason?: string;
  headers: Record<string, unknown> & { 'call-id'?: string };
}
const nodeSip = createRequire(import.meta.url)('sip') as { parse(data: string | Buffer): NodeSipMessage | undefined };
export function parseWithNodeSip(data: string | Buffer): NodeSipMessage | undefined {
  return nodeSip.parse(data);
}

type Received =
  | { type: 'message'; message: SipMessage; flow: Flow }
  | { type: 'parse-error'; error: ParseError; flow: Flow }
  | { type: 'flow-closed'; flow: Flow };

/** Buffers a layer's events so a test can await them in order. */
export class EventQueue {
  readonly #items: Received[] = [];
  readonly #waiters: Array<() => void> = [];

  constructor(layer: TransportLayer) {
    const push = (item: Received): void => {
      this.#items.push(item);
      for (const w of this.#waiters.splice(0)) w();
    };
    layer.on('message', (message, flow) => push({ type: 'message', message, flow }));
    layer.on('parse-error', (error, flow) => push({ type: 'parse-error', error, flow }));
    layer.on('flow-closed', (flow) => push({ type: 'flow-closed', flow }));
  }

  get pending(): readonly Received[] {
    return this.#items;
  }

  async next<T extends Received['type']>(type: T): Promise<Extract<Received, { type: T }>> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const i = this.#items.findIndex((x) => x.type === type);
      if (i >= 0) return this.#items.splice(i, 1)[0] as Extract<Received, { type: T }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no '${type}' event within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export interface StartedLayer {
  layer: TransportLayer;
  events: EventQueue;
  traces: TraceEvent[];
  port(protocol: TransportProtocol): number;
}

export async function startLayer(
  protocols: TransportProtocol[],
  extra: Partial<Omit<TransportOptions, 'listen' | 'logger'>> & { clock?: Clock } = {},
): Promise<StartedLayer> {
  const traces: TraceEvent[] = [];
  const layer = createTransportLayer({
    listen: protocols.map((protocol) => ({ protocol, address: '127.0.0.1', port: 0 })),
    logger: silentLogger,
    trace: (e) => traces.push(e),
    ...extra,
  });
  const events = new EventQueue(layer);
  await layer.start();
  return {
    layer,
    events,
    traces,
    port(protocol) {
      const p = layer.listening().find((l) => l.protocol === protocol);
      if (!p) throw new Error(`no ${protocol} listening point`);
      return p.port;
    },
  };
}

/** Resolve once cond() holds, polling on real time; rejects after WAIT_MS. */
export async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A raw TCP client (optionally from another loopback address) that notes when the server closes it. */
export async function connectRaw(options: { port: number; localAddress?: string }): Promise<{ socket: Socket; closed: () => boolean }> {
  const socket = connect({ host: '127.0.0.1', port: options.port, ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  await once(socket, 'connect');
  return { socket, closed: () => closed };
}
