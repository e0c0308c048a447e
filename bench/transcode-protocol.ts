// What the processes of the media benches (bench/transcode-harness.ts) say to each other over IPC:
// the harness drives one engine process (bench/transcode-engine.ts) and G load generators
// (bench/transcode-load.ts). Types and constants only, so every side can import it.

/** relay: two PCMU endpoints relayed; transcode: PCMU ↔ Opus; conference: rooms of N PCMU; record: relay + stereo WAV */
export type Scenario = 'relay' | 'transcode' | 'conference' | 'record';
export type PhoneCodec = 'PCMU' | 'opus';
/** RFC 3551 static PCMU; 111 is the dynamic number browsers offer Opus under */
export const PAYLOAD_TYPE: Readonly<Record<PhoneCodec, number>> = { PCMU: 0, opus: 111 };
export const PERIOD_MS = 20;
export const GAP_BUCKET_MS = 0.1;
/** the last bucket collects every gap from 1 s up */
export const GAP_BUCKETS = 10_001;

export type LoadCommand =
  | { type: 'run'; targets: number[]; startEpochMs: number; seconds: number; phaseOffset: number; phaseSpan: number }
  | { type: 'finish' };
export interface LoadSent {
  type: 'sent';
  /** fewer than planned when the generator, starved of CPU, reached the planned end first */
  sent: number;
  planned: number;
  sendSeconds: number;
  cpuSeconds: number;
}
export interface LoadCounts {
  type: 'counts';
  received: number;
  /** RFC 3550 A.3 per phone: extended highest sequence − first + 1, summed */
  expected: number;
  wrongPayloadType: number;
  silentPcmu: number;
  pcmuPackets: number;
  opusPackets: number;
  opusBytes: number;
  gaps: number[];
}

export type EngineCommand =
  | { type: 'rss' }
  | { type: 'create'; scenario: Scenario; roomSize: number; phones: number[]; codecs: PhoneCodec[]; seal?: 'aes-256-gcm' | 'sm4-ctr-hmac-sm3' | 'off' }
  | { type: 'totals' }
  | { type: 'stop-recordings' }
  | { type: 'close' };
export interface EngineTotals {
  type: 'totals';
  received: number;
  sent: number;
  dropped: number;
  /** performance.timeOrigin + now() in the engine when the stats were read */
  atEpochMs: number;
}
export interface RecordingTotals {
  type: 'recordings';
  count: number;
  failed: number;
  droppedFrames: number;
  bytes: number;
  minDurationMs: number;
  maxDurationMs: number;
  /** how long the recordings ran by the engine process's clock */
  wallMs: number;
  firstError: string | null;
}
