// NAT keepalives for registered flows. A phone behind NAT is reachable only while its NAT binding
// lives, and UDP NAT bindings often expire after 30-60 s of silence, so the registrar keeps them warm:
// - UDP flows: an OPTIONS request through the client transaction layer to the flow (the approach of
//   Kamailio's nathelper "sipping"; phones answer OPTIONS per RFC 3261 §11.2);
// - stream flows (TCP, TLS, WS, WSS): RFC 5626 §4.4.1 CRLFCRLF via transport.keepalive().
// A binding whose connection-oriented flow died is kept until it expires: the phone notices the
// closed connection and re-registers on a new one (RFC 5626 §4.4.1), and until then the B2BUA can
// still try the Contact.
import type { Clock, TimerHandle } from '../sip/clock.js';
import type { Logger } from '../sip/logger.js';
import { createRequest, newCallId, newTag } from '../sip/message/build.js';
import type { SipRequest } from '../sip/message/types.js';
import type { SipStack } from '../sip/stack/types.js';
import type { Flow, TransportLayer } from '../sip/transport/types.js';
import type { Binding } from './ports.js';

export interface KeepaliveOptions {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly stack: Pick<SipStack, 'request'> | undefined;
  readonly transport: Pick<TransportLayer, 'keepalive' | 'isAlive'> | undefined;
  /** the AOR domain, used in the From of our OPTIONS */
  readonly domain: string;
  /** the bindings to keep alive, read at every round */
  readonly bindings: () => readonly Binding[];
}

export function flowKey(flow: Flow): string {
  return `${flow.protocol}|${flow.remote.address}|${flow.remote.port}|${flow.connectionId ?? ''}`;
}

/** An out-of-dialog OPTIONS to a registered contact (RFC 3261 §11.1), sent on the binding's flow. */
export function buildKeepaliveOptions(binding: Binding, domain: string): SipRequest {
  const headers = [
    // No Via: the stack's client transaction adds ours, with its branch and rport (RFC 3261 §8.1.1.7, RFC 3581 §3)
    { name: 'Max-Forwards', value: '70' },
    { name: 'From', value: `<sip:keepalive@${domain}>;tag=${newTag()}` },
    { name: 'To', value: `<${binding.contact}>` },
    { name: 'Call-ID', value: newCallId() },
    { name: 'CSeq', value: '1 OPTIONS' },
    { name: 'Content-Length', value: '0' },
  ];
  return createRequest({ method: 'OPTIONS', uri: binding.contact, headers });
}

export class KeepaliveScheduler {
  readonly #options: KeepaliveOptions;
  #timer: TimerHandle | undefined;
  #closed = false;
  /** flows with an OPTIONS still outstanding: never more than one per flow */
  readonly #pending = new Set<string>();

  constructor(options: KeepaliveOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#closed || this.#timer || this.#options.intervalMs <= 0) return;
    this.#schedule();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) this.#options.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** One keepalive round over every distinct flow (exposed for tests and for an immediate ping). */
  round(): void {
    const seen = new Set<string>();
    for (const binding of this.#options.bindings()) {
      const key = flowKey(binding.flow);
      if (seen.has(key)) continue;
      seen.add(key);
      if (binding.flow.protocol === 'udp') this.#ping(binding, key);
      else this.#options.transport?.keepalive(binding.flow);
    }
  }

  #schedule(): void {
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      try {
        this.round();
      } catch (error) {
        this.#options.logger.error({ err: error }, 'keepalive round failed');
      }
      this.#schedule();
    }, this.#options.intervalMs);
  }

  #ping(binding: Binding, key: string): void {
    const stack = this.#options.stack;
    if (!stack || this.#pending.has(key)) return;
    this.#pending.add(key);
    stack
      .request({ request: buildKeepaliveOptions(binding, this.#options.domain), to: binding.flow })
      .then((response) => {
        // Any response proves the NAT path works; 408/503 come from our own transaction layer.
        if (response.status === 408 || response.status === 503) {
          this.#options.logger.debug({ aor: binding.aor, contact: binding.contact, status: response.status }, 'keepalive unanswered');
        }
      })
      .catch((error: unknown) => this.#options.logger.warn({ err: error, aor: binding.aor }, 'keepalive failed'))
      .finally(() => this.#pending.delete(key));
  }
}
