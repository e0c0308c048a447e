/** The codecs the media engine can encode and decode (issue 4). */
export type CodecName = 'PCMU' | 'PCMA' | 'G722' | 'opus' | 'L16';

/**
 * One codec instance: an encoder and a decoder with their own state, for one RTP stream each way.
 * PCM is mono signed 16-bit at `sampleRate`; every method writes into caller-provided arrays and
 * allocates nothing on the packet path (opus: see opus.ts for what the native binding allocates).
 */
export interface AudioCodec {
  readonly name: CodecName;
  /** rate of the PCM this instance takes and gives */
  readonly sampleRate: number;
  /** RTP timestamp clock: 8000 PCMU/PCMA, 8000 for G722 (RFC 3551 §4.5.2), 48000 opus (RFC 7587), = rate for L16 */
  readonly rtpClockRate: number;
  /** 20 ms payload size for constant-rate codecs, null for opus */
  readonly payloadBytesPerFrame: number | null;
  /** decodes one RTP payload into out from index 0; returns samples written, -1 if the payload is corrupt */
  decode(payload: Uint8Array, length: number, out: Int16Array): number;
  /** encodes `samples` PCM samples (a 20 ms frame) into out; returns bytes written */
  encode(pcm: Int16Array, samples: number, out: Uint8Array): number;
  /** packet-loss concealment: fills `samples` samples for a lost packet */
  conceal(out: Int16Array, samples: number): number;
  /** opus: rebuilds the lost packet just before `next` from next's in-band FEC (falls back to conceal) */
  recover(next: Uint8Array, length: number, out: Int16Array, samples: number): number;
  close(): void;
}

export interface OpusCodecOptions {
  /** in-band FEC (RFC 7587 §3.3 useinbandfec); default true */
  fec?: boolean;
  /** discontinuous transmission (RFC 7587 §3.1.3 usedtx); default false */
  dtx?: boolean;
  /** target bitrate in bit/s; default by rate (16k at 8 kHz, 24k at 16 kHz, 32k at 48 kHz) */
  bitrate?: number;
  /** expected loss, tunes how much FEC the encoder spends; default 10 */
  packetLossPercent?: number;
}

export interface CreateCodecOptions {
  name: CodecName;
  /** PCM rate; fixed 8000 for PCMU/PCMA and 16000 for G722; 8000/16000/48000 for opus (default 48000) and L16 (default 8000) */
  sampleRate?: number;
  opus?: OpusCodecOptions;
}

export interface RtpmapOptions {
  encodingName: string;
  clockRate: number;
  channels?: number;
}
