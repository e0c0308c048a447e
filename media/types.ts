// The public shapes of the media engine (media/index.ts re-exports them). Plain data only: the
// control plane (server/calls) sees handles and events, never sockets or packets.

/** The subset of pino's Logger the media engine uses; server/app injects a child logger. */
export interface MediaLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface MediaEngineOptions {
  /** sockets bind here ('0.0.0.0', '127.0.0.1', '::') */
  readonly bindAddress: string;
  /** RTP on even ports, RTCP = RTP+1, both within [portMin, portMax] */
  readonly portMin: number;
  readonly portMax: number;
  /** worker threads; default os.availableParallelism(); 0 also means that */
  readonly workers?: number;
  /** how long after its first packet an endpoint may still re-learn its peer's source (default 2000) */
  readonly latchWindowMs?: number;
  /** no RTP this long on a watched endpoint → 'timeout' event (default 30000; 0 disables) */
  readonly mediaTimeoutMs?: number;
  readonly logger?: MediaLogger;
}

export interface RemoteAddress {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort?: number;
}

export interface EndpointStats {
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** wrong source after latching, or not RTP/RTCP at all */
  readonly packetsDropped: number;
  readonly rtcpReceived: number;
  /** from the peer's RTCP report blocks about the stream we sent; null until such a report arrived */
  readonly packetsLost: number | null;
  /** 0..1 */
  readonly fractionLost: number | null;
  /** interarrival jitter converted at the 8000 Hz clock of G.711 */
  readonly jitterMs: number | null;
  readonly latched: RemoteAddress | null;
}

export interface EndpointHandle {
  readonly id: string;
  readonly group: string;
  readonly rtpPort: number;
  readonly rtcpPort: number;
  /** from SDP (c=/m=/a=rtcp); packets to the peer go here until latching learns the real source. Resets latching. */
  setRemote(remote: RemoteAddress | null): void;
  /** relay both ways: what this endpoint receives leaves from `peer` towards peer's remote, and vice versa */
  connect(peer: EndpointHandle): void;
  /** stop relaying between this endpoint and its peer (both directions) */
  disconnect(): void;
  /** media timeout watch on/off (off while ringing and on hold); when on and no RTP for mediaTimeoutMs → 'timeout' */
  watchTimeout(on: boolean): void;
  stats(): Promise<EndpointStats>;
  /** idempotent; closes sockets, returns ports to the pool, resolves with the final stats */
  close(): Promise<EndpointStats>;
}

export interface MediaEngineEvents {
  timeout: (e: { endpointId: string; group: string; idleMs: number }) => void;
  latched: (e: { endpointId: string; group: string; address: string; port: number }) => void;
  'endpoint-closed': (e: { endpointId: string; group: string; reason: 'worker-crashed' }) => void;
}

export interface MediaEngine {
  start(): Promise<void>;
  /** a port pair on the group's worker; rejects with MediaError code 'ports-exhausted' when none is free */
  createEndpoint(options: { readonly group: string }): Promise<EndpointHandle>;
  on<E extends keyof MediaEngineEvents>(event: E, listener: MediaEngineEvents[E]): void;
  off<E extends keyof MediaEngineEvents>(event: E, listener: MediaEngineEvents[E]): void;
  /** endpoints in use, ports free (for metrics) */
  usage(): { endpoints: number; freePortPairs: number };
  close(): Promise<void>;
}

export type MediaErrorCode = 'ports-exhausted' | 'closed' | 'bind-failed' | 'not-same-group';

export class MediaError extends Error {
  readonly code: MediaErrorCode;
  constructor(code: MediaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MediaError';
    this.code = code;
  }
}

export const silentMediaLogger: MediaLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
