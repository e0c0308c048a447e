// The public shapes of the media engine (media/index.ts re-exports them). Plain data only: the
// control plane (server/calls) sees handles and events, never sockets or packets.

import type { SealOptions } from './recorder/sealed-format.js';
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
  /** advertised in WebRTC ICE candidates besides the bind address */
  readonly publicAddress?: string;
}

export interface RemoteAddress {
  readonly address: string;
  readonly rtpPort: number;
  readonly rtcpPort?: number;
}

/** Codecs the engine can decode and encode (media/codecs). */
export type CodecName = 'PCMU' | 'PCMA' | 'G722' | 'opus' | 'L16';

/** What an endpoint's phone speaks, from the SDP offer/answer (payload numbers as negotiated). */
export interface MediaFormat {
  readonly codec: CodecName;
  readonly payloadType: number;
  /** RTP clock (8000 for G.722, 48000 for Opus) */
  readonly clockRate: number;
  /** RFC 4733 telephone-event payload type, null when not negotiated */
  readonly telephoneEvent: number | null;
}

/** SDES-SRTP keys (RFC 4568): ours protects what we send, the phone's verifies what it sends. */
export interface SrtpKeys {
  readonly suite: 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32' | 'AEAD_AES_128_GCM';
  /** base64 key||salt as in a=crypto inline: */
  readonly localKey: string;
  readonly remoteKey: string;
}

export type DtmfMethod = 'rfc4733' | 'inband';

export interface PlayItem {
  /** a WAV file (any rate), looped for music on hold */
  readonly file?: string;
  readonly loop?: boolean;
  /** a call-progress tone; country profile (ITU-T E.180), 'cn' by default */
  readonly tone?: 'ringback' | 'busy' | 'congestion' | 'dial';
  readonly country?: string;
  /** in-band DTMF (Q.23 pairs): each digit `durationMs` long (default 100) with as much silence after */
  readonly dtmf?: { readonly digits: string; readonly durationMs?: number };
}

export type MonitorMode = 'listen' | 'whisper' | 'barge';

export interface RecordingOptions {
  readonly path: string;
  readonly format: 'wav' | 'ogg';
  /** stereo: left = this endpoint's phone (the caller), right = `right`'s (the agent/callee); mono when absent */
  readonly left: EndpointHandle;
  readonly right?: EndpointHandle;
  /** 'mixed': both parties summed into one channel (smaller files, no speaker separation); default 'stereo' */
  readonly channels?: 'stereo' | 'mixed';
  /** encryption at rest: the file key and its wrapping (server/recording makes them); absent: a plain file */
  readonly seal?: SealOptions;
}

export interface RecordingResult {
  readonly path: string;
  readonly format: 'wav' | 'ogg';
  readonly durationMs: number;
  readonly bytes: number;
  readonly pauses: readonly { readonly atMs: number; readonly durationMs: number }[];
  readonly droppedFrames: number;
}

export interface RecordingHandle {
  readonly id: string;
  /** card payments: silence is written while paused, and the pause is reported */
  pause(): void;
  resume(): void;
  /**
   * a transfer's new party takes the right channel (or its share of the mix) of a recording whose
   * party left; ignored while the old party is still there, or on a one-party recording. Same worker.
   */
  attach(right: EndpointHandle): void;
  stop(): Promise<RecordingResult>;
}

export interface EndpointStats {
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly bytesReceived: number;
  readonly bytesSent: number;
  /** foreign (below), SRTP failures, or not RTP/RTCP at all */
  readonly packetsDropped: number;
  /** RTP and RTCP from a source signalling did not name for this leg, or not the latched one (strict source) */
  readonly packetsForeign?: number;
  readonly rtcpReceived: number;
  /** from the peer's RTCP report blocks about the stream we sent; null until such a report arrived */
  readonly packetsLost: number | null;
  /** 0..1 */
  readonly fractionLost: number | null;
  /** interarrival jitter, converted to ms at the codec's RTP clock rate */
  readonly jitterMs: number | null;
  readonly latched: RemoteAddress | null;
  /** from what we received from the phone (RFC 3550 A.3/A.8); null until RTP arrived */
  readonly receivedLost?: number | null;
  readonly receivedJitterMs?: number | null;
  /** from the phone's report about an RTCP SR we sent (RFC 3550 §6.4.1); null when unknown */
  readonly rttMs?: number | null;
  /** ITU-T G.107 E-model estimate from loss, jitter and delay of this leg */
  readonly mos?: number | null;
  /** SRTP packets that failed authentication or replay checks, dropped */
  readonly srtpFailures?: number;
  readonly codec?: CodecName | null;
  /** true while the worker decodes and re-encodes this endpoint's media (transcoding, mixing) */
  readonly transcoding?: boolean;
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
  /** the codec the phone uses (from SDP); two connected endpoints with different codecs are transcoded */
  setFormat(format: MediaFormat | null): void;
  /** SDES-SRTP towards this phone; null = plain RTP */
  setSrtp(keys: SrtpKeys | null): void;
  /** detect in-band DTMF tones in what the phone sends (RFC 4733 events are always detected) */
  detectInbandDtmf(on: boolean): void;
  /** sends digits to the phone as RFC 4733 events (in-band tones when no telephone-event was negotiated) */
  sendDtmf(digits: string, durationMs?: number): void;
  /** plays to this phone instead of its peer's media until done or stopped; 'play-done' reports the end */
  play(id: string, item: PlayItem): void;
  stopPlayback(): void;
  /**
   * PCM of what this endpoint's phone says, written by the media worker itself to the speech
   * process's Unix socket as `stream` (8 or 16 kHz records, docs/speech.md "PCM path"); frames the
   * socket cannot take at once are dropped and counted, never queued in front of RTP. Taps of
   * different streams coexist (live transcription and an IVR's speech input on one caller); a start
   * of a stream already tapped replaces it; 'speech-tap-ended' reports each tap's figures when it ends.
   */
  startSpeechTap(o: { readonly socket: string; readonly stream: number }): void;
  stopSpeechTap(stream: number): void;
  readonly kind: 'rtp' | 'webrtc';
  /** WebRTC endpoints only: offer/answer with ICE and DTLS made by the endpoint (the SDP is the answer or offer to send) */
  negotiate(op: { readonly op: 'accept-offer'; readonly sdp: string } | { readonly op: 'create-offer' } | { readonly op: 'accept-answer'; readonly sdp: string }): Promise<string>;
  /** media timeout watch on/off (off while ringing and on hold); when on and no RTP for mediaTimeoutMs → 'timeout' */
  watchTimeout(on: boolean): void;
  stats(): Promise<EndpointStats>;
  /** idempotent; closes sockets, returns ports to the pool, resolves with the final stats */
  close(): Promise<EndpointStats>;
  /**
   * This endpoint's own events (mediasoup's Producer style): whoever holds the handle listens on
   * it, so nothing looks an endpoint's owner up by id or group. Returns the unsubscribe.
   */
  on<E extends keyof EndpointEvents>(event: E, listener: EndpointEvents[E]): () => void;
}

/** What one endpoint reports (EndpointHandle.on); listeners are dropped when it closes. */
export interface EndpointEvents {
  /** a digit its phone sent (RFC 4733 event, or an in-band tone when detection is on) */
  dtmf: (e: { readonly digit: string; readonly durationMs: number; readonly method: DtmfMethod }) => void;
  /** watched and no RTP for mediaTimeoutMs */
  timeout: (e: { readonly idleMs: number }) => void;
  /** it learnt where its phone's RTP comes from */
  latched: (e: { readonly address: string; readonly port: number }) => void;
  /** what play() started ended */
  'play-done': (e: { readonly id: string; readonly reason: 'finished' | 'stopped' | 'failed' }) => void;
  /** closed by the engine, not by close(): its worker died with its sockets */
  closed: (e: { readonly reason: 'worker-crashed' }) => void;
  /** a speech tap ended: frames written, frames dropped because the speech process was behind, a socket error */
  'speech-tap-ended': (e: { readonly stream: number; readonly framesSent: number; readonly framesDropped: number; readonly error: string | null }) => void;
}

/** Every endpoint's events in one stream, for observers of the whole engine (metrics, benchmarks). */
export interface MediaEngineEvents {
  timeout: (e: { endpointId: string; group: string; idleMs: number }) => void;
  latched: (e: { endpointId: string; group: string; address: string; port: number }) => void;
  'endpoint-closed': (e: { endpointId: string; group: string; reason: 'worker-crashed' }) => void;
  dtmf: (e: { endpointId: string; group: string; digit: string; durationMs: number; method: DtmfMethod }) => void;
  'play-done': (e: { endpointId: string; group: string; id: string; reason: 'finished' | 'stopped' | 'failed' }) => void;
}

/** A mixing room (conference) on one worker; every member endpoint must be in the room's group. */
export interface RoomHandle {
  readonly id: string;
  readonly group: string;
  join(endpoint: EndpointHandle): void;
  leave(endpoint: EndpointHandle): void;
  /** supervisor modes: listen hears agent and others, heard by none; whisper heard by the agent only; barge by all */
  monitor(options: { readonly supervisor: EndpointHandle; readonly agent: EndpointHandle; readonly mode: MonitorMode }): void;
  /** a muted member still hears the room; nobody hears it (conference moderation) */
  mute(endpoint: EndpointHandle, muted: boolean): void;
  close(): void;
}

export interface CreateEndpointOptions {
  readonly group: string;
  readonly kind?: 'rtp' | 'webrtc';
  /**
   * Strict source: the addresses this endpoint's party signals from (where its SIP came from, for a
   * phone behind NAT its public address). RTP and RTCP are latched only from these or the address
   * the SDP names (setRemote); everything else is dropped and counted as foreign, while ringing and
   * after. Without sources or SDP the endpoint learns from the first packet (plain symmetric RTP).
   */
  readonly sources?: readonly string[];
}

export interface MediaEngine {
  start(): Promise<void>;
  /** a port pair on the group's worker; rejects with MediaError code 'ports-exhausted' when none is free */
  createEndpoint(options: CreateEndpointOptions): Promise<EndpointHandle>;
  /** an N-party mixer at `sampleRate` (8000 default) in `group` */
  createRoom(options: { readonly group: string; readonly sampleRate?: number }): RoomHandle;
  startRecording(options: RecordingOptions): RecordingHandle;
  on<E extends keyof MediaEngineEvents>(event: E, listener: MediaEngineEvents[E]): void;
  off<E extends keyof MediaEngineEvents>(event: E, listener: MediaEngineEvents[E]): void;
  /** endpoints in use, ports free (for metrics) */
  usage(): { endpoints: number; freePortPairs: number };
  close(): Promise<void>;
}

export type MediaErrorCode = 'ports-exhausted' | 'closed' | 'bind-failed' | 'not-same-group' | 'webrtc-failed';

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
