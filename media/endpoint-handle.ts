// The main thread's handle on an endpoint that lives in a media worker. Calls become plain-data
// commands to that worker; after close (or the worker's death) they do nothing and stats()
// answers the last figures known. The worker's events about the endpoint are emitted by the
// handle itself (mediasoup's Producer does the same), so its holder needs no id lookup.
import { MediaError, type EndpointEvents, type EndpointHandle, type EndpointStats, type MediaFormat, type PlayItem, type RemoteAddress, type SrtpKeys } from './types.js';
import type { ToMediaWorker, WebRtcOp } from './worker/protocol.js';

/** What a handle needs from the engine that made it. */
export interface EndpointOwner {
  post(workerIndex: number, message: ToMediaWorker): void;
  /** sends a request with a fresh id; resolves with the worker's stats answer (null: unknown endpoint) */
  requestStats(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<EndpointStats | null>;
  released(handle: EndpointRef): void;
  /** a listener of the handle's events threw: logged, and the other listeners still run */
  listenerFailed(err: unknown, event: string): void;
  /** WebRTC offer/answer in the worker; resolves with the SDP (or '' after accept-answer) */
  requestSdp(workerIndex: number, make: (id: number) => ToMediaWorker): Promise<string>;
}

export const emptyStats: EndpointStats = {
  packetsReceived: 0,
  packetsSent: 0,
  bytesReceived: 0,
  bytesSent: 0,
  packetsDropped: 0,
  rtcpReceived: 0,
  packetsLost: null,
  fractionLost: null,
  jitterMs: null,
  latched: null,
};

export class EndpointRef implements EndpointHandle {
  readonly id: string;
  readonly group: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  readonly workerIndex: number;
  readonly kind: 'rtp' | 'webrtc';
  readonly #owner: EndpointOwner;
  #lastStats: EndpointStats = emptyStats;
  #closing: Promise<EndpointStats> | undefined;
  readonly #listeners = new Map<keyof EndpointEvents, Set<(e: never) => void>>();

  constructor(options: { id: string; group: string; rtpPort: number; workerIndex: number; owner: EndpointOwner; kind?: 'rtp' | 'webrtc' }) {
    this.id = options.id;
    this.kind = options.kind ?? 'rtp';
    this.group = options.group;
    this.rtpPort = options.rtpPort;
    this.rtcpPort = options.rtpPort + 1;
    this.workerIndex = options.workerIndex;
    this.#owner = options.owner;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  on<E extends keyof EndpointEvents>(event: E, listener: EndpointEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (e: never) => void);
    return () => void set.delete(listener as (e: never) => void);
  }

  /** the engine hands over the worker's event about this endpoint (CONVENTIONS.md §3: safe emit) */
  emit<E extends keyof EndpointEvents>(event: E, payload: Parameters<EndpointEvents[E]>[0]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as (p: typeof payload) => void)(payload);
      } catch (err) {
        this.#owner.listenerFailed(err, event);
      }
    }
  }

  setRemote(remote: RemoteAddress | null): void {
    if (this.closed) return;
    const copy = remote === null ? null : { address: remote.address, rtpPort: remote.rtpPort, ...(remote.rtcpPort !== undefined ? { rtcpPort: remote.rtcpPort } : {}) };
    this.#owner.post(this.workerIndex, { type: 'set-remote', endpointId: this.id, remote: copy });
  }

  connect(peer: EndpointHandle): void {
    if (!(peer instanceof EndpointRef) || peer.workerIndex !== this.workerIndex) {
      // the relay is a direct socket-to-socket send inside one worker: both ends must share it
      throw new MediaError('not-same-group', `endpoints ${this.id} and ${peer.id} are not in the same group`);
    }
    if (this.closed || peer.closed) return;
    this.#owner.post(this.workerIndex, { type: 'connect', a: this.id, b: peer.id });
  }

  disconnect(): void {
    if (!this.closed) this.#owner.post(this.workerIndex, { type: 'disconnect', endpointId: this.id });
  }

  setFormat(format: MediaFormat | null): void {
    const copy = format === null ? null : { codec: format.codec, payloadType: format.payloadType, clockRate: format.clockRate, telephoneEvent: format.telephoneEvent };
    this.#send({ type: 'set-format', endpointId: this.id, format: copy });
  }

  setSrtp(keys: SrtpKeys | null): void {
    this.#send({ type: 'set-srtp', endpointId: this.id, keys: keys === null ? null : { suite: keys.suite, localKey: keys.localKey, remoteKey: keys.remoteKey } });
  }

  detectInbandDtmf(on: boolean): void {
    this.#send({ type: 'inband-dtmf', endpointId: this.id, on });
  }

  sendDtmf(digits: string, durationMs = 100): void {
    this.#send({ type: 'send-dtmf', endpointId: this.id, digits, durationMs });
  }

  play(id: string, item: PlayItem): void {
    this.#send({ type: 'play', endpointId: this.id, playId: id, item: { ...item } });
  }

  startSpeechTap(o: { readonly socket: string; readonly stream: number }): void {
    this.#send({ type: 'speech-tap', endpointId: this.id, socket: o.socket, stream: o.stream });
  }

  stopSpeechTap(stream: number): void {
    this.#send({ type: 'speech-tap', endpointId: this.id, socket: null, stream });
  }

  stopPlayback(): void {
    this.#send({ type: 'stop-play', endpointId: this.id });
  }

  /** WebRTC endpoints: the SDP comes from the endpoint itself (ICE candidates, DTLS fingerprint) */
  negotiate(op: WebRtcOp): Promise<string> {
    if (this.kind !== 'webrtc') return Promise.reject(new MediaError('webrtc-failed', `${this.id} is not a WebRTC endpoint`));
    if (this.closed) return Promise.reject(new MediaError('closed', `${this.id} is closed`));
    return this.#owner.requestSdp(this.workerIndex, (id) => ({ type: 'webrtc', id, endpointId: this.id, ...op }));
  }

  #send(message: ToMediaWorker): void {
    if (!this.closed) this.#owner.post(this.workerIndex, message);
  }

  watchTimeout(on: boolean): void {
    if (!this.closed) this.#owner.post(this.workerIndex, { type: 'watch', endpointId: this.id, on });
  }

  async stats(): Promise<EndpointStats> {
    if (this.#closing) return this.#closing;
    const stats = await this.#owner.requestStats(this.workerIndex, (id) => ({ type: 'stats', id, endpointId: this.id }));
    if (stats !== null) this.#lastStats = stats;
    return this.#lastStats;
  }

  close(): Promise<EndpointStats> {
    this.#closing ??= this.#owner
      .requestStats(this.workerIndex, (id) => ({ type: 'close-endpoint', id, endpointId: this.id }))
      .then((stats) => {
        if (stats !== null) this.#lastStats = stats;
        this.#owner.released(this);
        this.#listeners.clear();
        return this.#lastStats;
      });
    return this.#closing;
  }

  /** the worker died: its sockets are gone, the last figures seen are final */
  markCrashed(): void {
    this.#closing ??= Promise.resolve(this.#lastStats);
  }

  /** after markCrashed(): tells the holder, then forgets its listeners */
  crashed(): void {
    this.emit('closed', { reason: 'worker-crashed' });
    this.#listeners.clear();
  }
}
