// The plain-data messages between the MediaEngine (main thread) and its media workers. Commands
// that change state are fire-and-forget (a MessagePort is ordered, so a later `stats` sees them);
// requests carry an `id` the answer repeats. No packet ever travels this way.
import type { DtmfMethod, EndpointStats, MediaFormat, MonitorMode, PlayItem, RecordingResult, RemoteAddress, SrtpKeys } from '../types.js';
import type { SealOptions } from '../recorder/sealed-format.js';

export interface MediaWorkerData {
  readonly workerIndex: number;
  readonly bindAddress: string;
  readonly latchWindowMs: number;
  readonly mediaTimeoutMs: number;
  /** WebRTC: the address put in ICE candidates besides the bind address (HAILING_PUBLIC_ADDRESS) */
  readonly publicAddress?: string;
}

export type WebRtcOp = { readonly op: 'accept-offer'; readonly sdp: string } | { readonly op: 'create-offer' } | { readonly op: 'accept-answer'; readonly sdp: string };

export type ToMediaWorker =
  | { readonly type: 'create'; readonly id: number; readonly endpointId: string; readonly group: string; readonly rtpPort: number; readonly kind: 'rtp' | 'webrtc'; readonly sources: readonly string[] | null }
  | { readonly type: 'set-format'; readonly endpointId: string; readonly format: MediaFormat | null }
  | { readonly type: 'set-srtp'; readonly endpointId: string; readonly keys: SrtpKeys | null }
  | { readonly type: 'inband-dtmf'; readonly endpointId: string; readonly on: boolean }
  | { readonly type: 'send-dtmf'; readonly endpointId: string; readonly digits: string; readonly durationMs: number }
  | { readonly type: 'play'; readonly endpointId: string; readonly playId: string; readonly item: PlayItem }
  | { readonly type: 'stop-play'; readonly endpointId: string }
  | { readonly type: 'room-create'; readonly roomId: string; readonly group: string; readonly rate: number }
  | { readonly type: 'room-join'; readonly roomId: string; readonly endpointId: string }
  | { readonly type: 'room-leave'; readonly roomId: string; readonly endpointId: string }
  | { readonly type: 'room-monitor'; readonly roomId: string; readonly supervisor: string; readonly agent: string; readonly mode: MonitorMode }
  | { readonly type: 'room-mute'; readonly roomId: string; readonly endpointId: string; readonly muted: boolean }
  | { readonly type: 'room-close'; readonly roomId: string }
  | { readonly type: 'record-start'; readonly recordingId: string; readonly group: string; readonly path: string; readonly format: 'wav' | 'ogg'; readonly left: string; readonly right: string | null; readonly mixed: boolean; readonly seal: SealOptions | null }
  /** PCM of what the endpoint's phone says to the speech process's socket as `stream` (socket null: stop that stream's tap) */
  | { readonly type: 'speech-tap'; readonly endpointId: string; readonly socket: string | null; readonly stream: number }
  | { readonly type: 'record-pause'; readonly recordingId: string; readonly paused: boolean }
  | { readonly type: 'record-attach'; readonly recordingId: string; readonly right: string }
  | { readonly type: 'record-stop'; readonly id: number; readonly recordingId: string }
  | ({ readonly type: 'webrtc'; readonly id: number; readonly endpointId: string } & WebRtcOp)
  | { readonly type: 'set-remote'; readonly endpointId: string; readonly remote: RemoteAddress | null }
  | { readonly type: 'connect'; readonly a: string; readonly b: string }
  | { readonly type: 'disconnect'; readonly endpointId: string }
  | { readonly type: 'watch'; readonly endpointId: string; readonly on: boolean }
  | { readonly type: 'stats'; readonly id: number; readonly endpointId: string }
  | { readonly type: 'close-endpoint'; readonly id: number; readonly endpointId: string }
  | { readonly type: 'shutdown' }
  /** test hook: throw on the worker's event loop, as a bug would */
  | { readonly type: 'crash' };

export type FromMediaWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'created'; readonly id: number }
  | { readonly type: 'create-failed'; readonly id: number; readonly errorCode: string; readonly detail: string }
  | { readonly type: 'stats'; readonly id: number; readonly stats: EndpointStats | null }
  | { readonly type: 'timeout'; readonly endpointId: string; readonly group: string; readonly idleMs: number }
  | { readonly type: 'latched'; readonly endpointId: string; readonly group: string; readonly address: string; readonly port: number }
  /** the answer to record-stop, or (id -1) a recording that ended because its endpoint closed */
  | { readonly type: 'recording'; readonly id: number; readonly recordingId: string; readonly result: RecordingResult | null; readonly error?: string }
  | { readonly type: 'sdp'; readonly id: number; readonly sdp: string | null; readonly error?: string }
  | { readonly type: 'dtmf'; readonly endpointId: string; readonly group: string; readonly digit: string; readonly durationMs: number; readonly method: DtmfMethod }
  | { readonly type: 'play-done'; readonly endpointId: string; readonly group: string; readonly playId: string; readonly reason: 'finished' | 'stopped' | 'failed' }
  /** a speech tap ended (stopped, replaced, its endpoint closed, or its socket failed) with its figures */
  | { readonly type: 'speech-tap-ended'; readonly endpointId: string; readonly group: string; readonly stream: number; readonly framesSent: number; readonly framesDropped: number; readonly error: string | null }
  | { readonly type: 'log'; readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly fields: Record<string, unknown>; readonly msg: string };
