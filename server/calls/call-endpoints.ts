// A call listens on its media endpoints' own events (media/endpoint-handle.ts: each handle emits
// dtmf, timeout, play-done and closed, as mediasoup's Producer does): the endpoints facing the
// caller, and those of a bridge beside them. Nothing looks a call up by endpoint id or group.
import type { EndpointHandle, EndpointEvents } from '../../media/index.js';
import type { Side } from './call-media.js';

export interface EndpointSink {
  dtmf(side: Side, e: Parameters<EndpointEvents['dtmf']>[0]): void;
  timeout(): void;
  /** its worker died with its sockets */
  lost(): void;
  playDone(id: string, reason: Parameters<EndpointEvents['play-done']>[0]['reason']): void;
}

export type Handles = readonly { readonly side: Side; readonly endpoint: EndpointHandle }[];

/** 'caller': the media facing the caller; 'bridge': a bridge's endpoints beyond the caller's */
type Slot = 'caller' | 'bridge';

export class CallEndpoints {
  readonly #sink: EndpointSink;
  readonly #slots: Record<Slot, { endpoints: EndpointHandle[]; offs: (() => void)[] }> = { caller: { endpoints: [], offs: [] }, bridge: { endpoints: [], offs: [] } };

  constructor(sink: EndpointSink) {
    this.#sink = sink;
  }

  /** listens on `handles` in `slot` instead of what it listened on before there */
  watch(slot: Slot, handles: Handles): void {
    this.#unwatch(slot);
    const other = this.#slots[slot === 'caller' ? 'bridge' : 'caller'].endpoints;
    const s = this.#slots[slot];
    for (const { side, endpoint } of handles) {
      // an anchored caller endpoint is in both the caller's media and the bridge: heard once
      if (other.includes(endpoint) || s.endpoints.includes(endpoint)) continue;
      s.endpoints.push(endpoint);
      s.offs.push(
        endpoint.on('dtmf', (e) => this.#sink.dtmf(side, e)),
        endpoint.on('timeout', () => this.#sink.timeout()),
        endpoint.on('closed', () => this.#sink.lost()),
        endpoint.on('play-done', (e) => this.#sink.playDone(e.id, e.reason)),
      );
    }
  }

  /** the call ended: no more events from its endpoints */
  close(): void {
    this.#unwatch('caller');
    this.#unwatch('bridge');
  }

  #unwatch(slot: Slot): void {
    const s = this.#slots[slot];
    for (const off of s.offs) off();
    s.offs = [];
    s.endpoints = [];
  }
}
