// A call's media: one relay endpoint facing each party (Hailing anchors all media), and the SDP
// rewriting between them (RFC 3264). An SDP body from one party is re-addressed to the endpoint
// that faces the other party, and tells the endpoint facing its sender where that party listens.
import { randomInt } from 'node:crypto';
import { anchorSdp, parseSdp, serializeSdp } from '../../media/index.js';
import type { EndpointHandle, EndpointStats, MediaEngine } from '../../media/index.js';

export type Side = 'caller' | 'callee';
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export type SdpRelay =
  | { readonly ok: true; readonly body: Uint8Array; readonly direction: Direction; readonly codec: string | null }
  | { readonly ok: false; readonly error: 'bad-sdp' | 'no-audio' | 'no-common-codec' };

const other = (side: Side): Side => (side === 'caller' ? 'callee' : 'caller');

export class CallMedia {
  readonly #endpoints: Record<Side, EndpointHandle>;
  readonly #address: string;
  /** RFC 4566 §5.2: one o= session id per leg, its version bumped for every changed SDP we send */
  readonly #origin: Record<Side, { sessionId: string; version: number }>;
  readonly #lastSent: Partial<Record<Side, Uint8Array>> = {};
  #closed: Promise<Record<Side, EndpointStats>> | undefined;

  private constructor(endpoints: Record<Side, EndpointHandle>, address: string) {
    this.#endpoints = endpoints;
    this.#address = address;
    const origin = () => ({ sessionId: String(randomInt(1, 2 ** 47)), version: 1 });
    this.#origin = { caller: origin(), callee: origin() };
  }

  /** Two endpoints on one worker, relaying to each other. Rejects when no port pair is free. */
  static async open(options: { readonly engine: Pick<MediaEngine, 'createEndpoint'>; readonly group: string; readonly address: string }): Promise<CallMedia> {
    const caller = await options.engine.createEndpoint({ group: options.group });
    let callee: EndpointHandle;
    try {
      callee = await options.engine.createEndpoint({ group: options.group });
    } catch (err) {
      await caller.close();
      throw err;
    }
    caller.connect(callee);
    return new CallMedia({ caller, callee }, options.address);
  }

  endpointId(side: Side): string {
    return this.#endpoints[side].id;
  }

  /**
   * An offer or answer from `from`, rewritten for the other party: our address and the port of the
   * endpoint facing them, only codecs both can take. The sender's own address goes to the endpoint
   * facing the sender (where the relay sends its media until latching learns better).
   */
  relay(from: Side, body: Uint8Array): SdpRelay {
    const parsed = parseSdp(body);
    if (!parsed.ok) return { ok: false, error: 'bad-sdp' };
    const to = other(from);
    const facing = this.#endpoints[to];
    const origin = this.#origin[to];
    const anchored = anchorSdp({
      sdp: parsed.value,
      address: this.#address,
      rtpPort: facing.rtpPort,
      rtcpPort: facing.rtcpPort,
      origin: { sessionId: origin.sessionId, version: origin.version },
    });
    if (!anchored.ok) return { ok: false, error: anchored.error };
    origin.version += 1;
    this.#endpoints[from].setRemote(anchored.remote);
    const out = new Uint8Array(Buffer.from(serializeSdp(anchored.sdp), 'utf8'));
    this.#lastSent[to] = out;
    return { ok: true, body: out, direction: anchored.direction, codec: anchored.codecs.find((c) => c.toLowerCase() !== 'telephone-event') ?? null };
  }

  /** The SDP last sent to a party, for an offerless re-INVITE answered locally (RFC 3264 §8). */
  lastSent(to: Side): Uint8Array | undefined {
    return this.#lastSent[to];
  }

  /** RFC 3264 §8.4: no media is expected while held, so the media timeout is off until resumed. */
  watch(on: boolean): void {
    this.#endpoints.caller.watchTimeout(on);
    this.#endpoints.callee.watchTimeout(on);
  }

  /** Idempotent; resolves with each endpoint's final figures. */
  close(): Promise<Record<Side, EndpointStats>> {
    this.#closed ??= Promise.all([this.#endpoints.caller.close(), this.#endpoints.callee.close()]).then(([caller, callee]) => ({ caller, callee }));
    return this.#closed;
  }
}
