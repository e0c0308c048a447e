// What a phone sends, as 20 ms PCM frames at the session's rate: RTP payloads go into an adaptive
// jitter buffer (in arrival order, any jitter), come out in timestamp order once per tick, are
// decoded (or concealed when lost: Opus FEC from the next packet, else the codec's PLC) and
// resampled to the rate of the room/recording/transcoder that reads them.
import { createCodec, type AudioCodec } from '../codecs/index.js';
import { JitterBuffer, JITTER_PLAY, JITTER_LOST, type JitterPacket } from '../jitter/index.js';
import { Resampler } from '../dsp/resample.js';
import { DtmfDetector } from '../dsp/index.js';
import { nativeRate } from './formats.js';
import type { MediaFormat } from '../types.js';

const MAX_FRAME = 48000 / 50 * 3; // a 60 ms Opus packet at 48 kHz

export interface InboundOptions {
  readonly format: MediaFormat;
  /** the session's PCM rate */
  readonly rate: number;
}

export class InboundStream {
  readonly format: MediaFormat;
  readonly rate: number;
  readonly frameSamples: number;
  readonly #codec: AudioCodec;
  readonly #jitter: JitterBuffer;
  readonly #resampler: Resampler | null;
  readonly #decoded: Int16Array;
  /** one descriptor per stream, refilled for every packet (the buffer copies the bytes) */
  readonly #packet: JitterPacket = { ssrc: 0, seq: 0, timestamp: 0, payload: new Uint8Array(0), offset: 0, length: 0, arrivalMs: 0, samples: 0 };
  #inband: DtmfDetector | null = null;
  #started = false;
  /** frames decoded from real packets (not concealed): the recorder/room use it for "active" */
  framesDecoded = 0;
  framesConcealed = 0;

  constructor(options: InboundOptions) {
    this.format = options.format;
    this.rate = options.rate;
    this.frameSamples = options.rate / 50;
    const codecRate = nativeRate(options.format, options.rate);
    this.#codec = createCodec({ name: options.format.codec, sampleRate: codecRate, opus: { fec: true } });
    this.#jitter = new JitterBuffer({ clockRate: options.format.clockRate });
    this.#resampler = codecRate === options.rate ? null : new Resampler({ fromRate: codecRate, toRate: options.rate });
    this.#decoded = new Int16Array(MAX_FRAME);
  }

  /** the worker's RTP path: the payload bytes are copied into the jitter buffer's slot */
  push(packet: Uint8Array, payloadOffset: number, payloadLength: number, ssrc: number, seq: number, timestamp: number, nowMs: number): void {
    const p = this.#packet;
    p.ssrc = ssrc;
    p.seq = seq;
    p.timestamp = timestamp;
    p.payload = packet;
    p.offset = payloadOffset;
    p.length = payloadLength;
    p.arrivalMs = nowMs;
    // G.711 carries one sample per byte; others leave it to the buffer (20 ms assumed)
    p.samples = this.format.codec === 'PCMU' || this.format.codec === 'PCMA' ? payloadLength : 0;
    this.#jitter.push(p);
    this.#started = true;
  }

  enableInbandDtmf(onDigit: ((digit: string, startMs: number, durationMs: number) => void) | null): void {
    this.#inband = onDigit === null ? null : new DtmfDetector({ sampleRate: this.rate, onDigit: (d) => onDigit(d.digit, d.startMs, d.durationMs) });
  }

  /** one frame into `out` (frameSamples at the session rate); false when it is silence (nothing yet, underrun) */
  pull(out: Int16Array, nowMs: number): boolean {
    let samples = 0;
    let audio = true;
    if (!this.#started) audio = false;
    else {
      const verdict = this.#jitter.pop();
      const codecFrame = this.#codec.sampleRate / 50;
      if (verdict === JITTER_PLAY) {
        samples = this.#codec.decode(this.#jitter.out, this.#jitter.outLength, this.#decoded);
        if (samples < 0) samples = this.#codec.conceal(this.#decoded, codecFrame);
        else this.framesDecoded++;
      } else if (verdict === JITTER_LOST) {
        const next = this.format.codec === 'opus' ? this.#jitter.peekNext() : -1;
        samples = next > 0 ? this.#codec.recover(this.#jitter.out, next, this.#decoded, codecFrame) : this.#codec.conceal(this.#decoded, codecFrame);
        this.framesConcealed++;
      } else audio = false;
    }
    if (!audio) {
      out.fill(0, 0, this.frameSamples);
      this.#inband?.process(out, this.frameSamples, nowMs);
      return false;
    }
    this.#toRate(samples, out);
    this.#inband?.process(out, this.frameSamples, nowMs);
    return true;
  }

  #toRate(samples: number, out: Int16Array): void {
    const frame = this.frameSamples;
    if (this.#resampler === null) {
      const n = Math.min(samples, frame);
      out.set(this.#decoded.subarray(0, n));
      if (n < frame) out.fill(0, n, frame);
      return;
    }
    const n = this.#resampler.process(this.#decoded, samples, out);
    if (n < frame) out.fill(0, n, frame);
  }

  close(): void {
    this.#codec.close();
  }
}
