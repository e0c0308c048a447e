/**
 * Opus (RFC 6716) through the native libopus of @discordjs/opus, mono, at 8, 16 or 48 kHz (libopus
 * codes and decodes natively at these rates, so nothing is resampled). RTP per RFC 7587: the RTP
 * clock is always 48000 whatever the PCM rate.
 *
 * Allocation: the binding returns a new Buffer from every encode() and decode() (N-API
 * Buffer::Copy), and decode() needs a Buffer view over the payload (one small object). Everything
 * else is preallocated here. The binding throws on a corrupt packet; that becomes -1.
 *
 * FEC: the encoder is asked for in-band FEC (OPUS_SET_INBAND_FEC, OPUS_SET_PACKET_LOSS_PERC) so
 * peers that can decode it benefit. The binding calls opus_decode() with decode_fec = 0 and offers
 * no other decode entry, so recover() cannot read FEC and falls back to conceal().
 *
 * Concealment: libopus conceals when given an empty packet, but the binding then asks for its whole
 * 120 ms output buffer (720 ms of audio at 8 kHz: about 1.5 ms of CPU per lost packet, measured),
 * far too much for the engine's 20 ms tick. So opus uses the same waveform substitution as the
 * other codecs (plc.ts), whose cross-fade also hides the step when decoding resumes.
 */
import { createRequire } from 'node:module';
import type { OpusEncoder as OpusBinding } from '@discordjs/opus';
import type { AudioCodec, OpusCodecOptions } from './types.js';
import { WaveformPlc } from './plc.js';

const require = createRequire(import.meta.url);

/** opus_defines.h request numbers and values. */
const OPUS_SET_APPLICATION_REQUEST = 4000;
const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_INBAND_FEC_REQUEST = 4012;
const OPUS_SET_PACKET_LOSS_PERC_REQUEST = 4014;
const OPUS_SET_DTX_REQUEST = 4016;
const OPUS_SET_COMPLEXITY_REQUEST = 4010;
/**
 * Complexity 5 of 10: measured 57 µs per 20 ms frame at 8 kHz against 110 µs at libopus's default
 * 10, on the transcoding path where encoding was half of a worker's time (bench/transcode.ts).
 */
const DEFAULT_COMPLEXITY = 5;

const DEFAULT_BITRATE: Readonly<Record<number, number>> = { 8000: 16000, 16000: 24000, 48000: 32000 };

/** The binding decodes at most 120 ms into its own buffer (MAX_FRAME_SIZE = 6 × 960). */
const MAX_DECODE_MS = 120;

export class OpusCodec implements AudioCodec {
  readonly name = 'opus';
  readonly sampleRate: number;
  /** RFC 7587 §4.1: "the RTP timestamp is incremented with a 48000 Hz clock rate". */
  readonly rtpClockRate = 48000;
  readonly payloadBytesPerFrame = null;
  readonly #opus: OpusBinding;
  readonly #frameSamples: number;
  /** 20 ms of PCM as a Buffer view, so encode() hands the binding no new object */
  readonly #pcm: Int16Array;
  readonly #pcmBuffer: Buffer;
  /** decode output staged here to read the binding's little-endian bytes as samples */
  readonly #decoded: Int16Array;
  readonly #decodedBytes: Uint8Array;
  readonly #plc: WaveformPlc;
  readonly #settings: OpusCodecOptions;
  /** the encoder side of the binding is configured (and so created) on the first encode only */
  #encoderReady = false;
  #closed = false;

  constructor(options: { sampleRate: number; opus?: OpusCodecOptions }) {
    this.sampleRate = options.sampleRate;
    this.#frameSamples = options.sampleRate / 50;
    const { OpusEncoder } = require('@discordjs/opus') as typeof import('@discordjs/opus');
    this.#opus = new OpusEncoder(options.sampleRate, 1);
    this.#settings = options.opus ?? {};
    this.#pcm = new Int16Array(this.#frameSamples);
    this.#pcmBuffer = Buffer.from(this.#pcm.buffer, 0, this.#pcm.byteLength);
    this.#decoded = new Int16Array((options.sampleRate / 1000) * MAX_DECODE_MS);
    this.#decodedBytes = new Uint8Array(this.#decoded.buffer);
    this.#plc = new WaveformPlc({ sampleRate: options.sampleRate });
  }

  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    if (this.#closed || length <= 0 || length > payload.length) return -1;
    let result: Buffer;
    try {
      result = this.#opus.decode(Buffer.from(payload.buffer, payload.byteOffset, length));
    } catch {
      return -1;
    }
    const n = this.#copyOut(result, out, out.length);
    this.#plc.decoded(out, n);
    return n;
  }

  /** A decode-only instance (what a phone sends us) never makes libopus's encoder (~25 KB). */
  #configureEncoder(): void {
    this.#encoderReady = true;
    const settings = this.#settings;
    // VoIP application: speech-tuned SILK/hybrid modes, which is also where in-band FEC exists.
    this.#opus.applyEncoderCTL(OPUS_SET_APPLICATION_REQUEST, OPUS_APPLICATION_VOIP);
    this.#opus.setBitrate(settings.bitrate ?? DEFAULT_BITRATE[this.sampleRate] ?? 32000);
    this.#opus.applyEncoderCTL(OPUS_SET_INBAND_FEC_REQUEST, settings.fec === false ? 0 : 1);
    this.#opus.applyEncoderCTL(OPUS_SET_PACKET_LOSS_PERC_REQUEST, settings.packetLossPercent ?? 10);
    this.#opus.applyEncoderCTL(OPUS_SET_DTX_REQUEST, settings.dtx === true ? 1 : 0);
    this.#opus.applyEncoderCTL(OPUS_SET_COMPLEXITY_REQUEST, DEFAULT_COMPLEXITY);
  }

  encode(pcm: Int16Array, samples: number, out: Uint8Array): number {
    // opus_encode() takes 2.5..60 ms frames only; the binding would copy a negative length on error.
    if (this.#closed || samples !== this.#frameSamples || pcm.length < samples) return 0;
    if (!this.#encoderReady) this.#configureEncoder();
    this.#pcm.set(pcm.subarray(0, samples));
    let packet: Buffer;
    try {
      packet = this.#opus.encode(this.#pcmBuffer);
    } catch {
      return 0;
    }
    if (packet.length > out.length) return 0;
    out.set(packet);
    return packet.length;
  }

  conceal(out: Int16Array, samples: number): number {
    return this.#plc.conceal(out, samples);
  }

  recover(_next: Uint8Array, _length: number, out: Int16Array, samples: number): number {
    return this.conceal(out, samples);
  }

  close(): void {
    this.#closed = true;
  }

  #copyOut(result: Buffer, out: Int16Array, max: number): number {
    const n = Math.min(result.length >> 1, max, this.#decoded.length);
    this.#decodedBytes.set(result.subarray(0, n * 2));
    const decoded = this.#decoded;
    for (let i = 0; i < n; i++) out[i] = decoded[i]!;
    return n;
  }
}
