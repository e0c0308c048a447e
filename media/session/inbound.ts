// What a phone sends, as 20 ms PCM frames at the session's rate: RTP payloads go into an adaptive
// jitter buffer (in arrival order, any jitter), come out in timestamp order, are decoded (or
// concealed when lost: Opus FEC from the next packet, else the codec's PLC) and resampled to the
// rate of the room/recording/transcoder that reads them.
//
// Packets need not be 20 ms (Opus 40/60 ms, 10 ms G.711): decoded samples collect in a small
// per-stream buffer at the codec's rate, and each tick pops the jitter buffer until one frame is
// full (the playout contract at the top of media/jitter/jitter-buffer.ts); the rest waits for the
// next tick.
import { createCodec, type AudioCodec } from '../codecs/index.js';
import { JitterBuffer, JITTER_PLAY, JITTER_LOST, type JitterPacket } from '../jitter/index.js';
import { Resampler } from '../dsp/resample.js';
import { DtmfDetector, frameRmsDbfs } from '../dsp/index.js';
import { nativeRate, packetSamples } from './formats.js';
import type { MediaFormat } from '../types.js';

/** the longest packet a codec sends (RFC 6716 §3.2.5: Opus, 120 ms), at 48 kHz */
const MAX_PACKET = (48000 / 1000) * 120;
/** pops per tick at most: 2.5 ms Opus frames need 8, a run of lost pieces a few more */
const MAX_POPS = 12;
/** a decoded packet this quiet may be discarded to shrink the delay (jitter buffer shouldDrop) */
const QUIET_DBFS = -50;
/** frames of nothing (an underrun while the buffer refills, or the stream stopping) kept from the
 *  in-band detector: a stalled sender is no pause in its tone, so a digit must not split in two
 *  around the gap (a 60 ms stall costs 4 frames: the buffer refills to its target before playing) */
const INBAND_HOLD_FRAMES = 10;

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
  readonly #codecFrame: number;
  /** codec PCM samples per RTP clock unit (G.722: 2; Opus at 8 kHz: 1/6) */
  readonly #perUnit: number;
  readonly #jitter: JitterBuffer;
  readonly #resampler: Resampler | null;
  // One store, two regions, so a decoded packet moves into the pending samples with copyWithin
  // (no views made per packet): [0, PENDING) what is decoded but not yet played, [PENDING, …) the
  // codec's scratch for one packet.
  readonly #store: Int16Array;
  readonly #pending: Int16Array;
  /** the first codec frame of #pending (what one tick plays) */
  readonly #head: Int16Array;
  readonly #scratch: Int16Array;
  #fill = 0;
  /** one descriptor per stream, refilled for every packet (the buffer copies the bytes) */
  readonly #packet: JitterPacket = { ssrc: 0, seq: 0, timestamp: 0, payload: new Uint8Array(0), offset: 0, length: 0, arrivalMs: 0, samples: 0 };
  #inband: DtmfDetector | null = null;
  #silentFrames = 0;
  #started = false;
  /** packets decoded (not concealed): the recorder/room use it for "active" */
  framesDecoded = 0;
  framesConcealed = 0;
  /** quiet packets discarded to shrink the playout delay after a jitter spike */
  framesDropped = 0;

  constructor(options: InboundOptions) {
    this.format = options.format;
    this.rate = options.rate;
    this.frameSamples = options.rate / 50;
    const codecRate = nativeRate(options.format, options.rate);
    this.#codec = createCodec({ name: options.format.codec, sampleRate: codecRate, opus: { fec: true } });
    this.#codecFrame = codecRate / 50;
    this.#perUnit = codecRate / options.format.clockRate;
    this.#jitter = new JitterBuffer({ clockRate: options.format.clockRate });
    this.#resampler = codecRate === options.rate ? null : new Resampler({ fromRate: codecRate, toRate: options.rate });
    const pendingLength = this.#codecFrame + MAX_PACKET;
    this.#store = new Int16Array(pendingLength + MAX_PACKET);
    this.#pending = this.#store.subarray(0, pendingLength);
    this.#head = this.#store.subarray(0, this.#codecFrame);
    this.#scratch = this.#store.subarray(pendingLength);
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
    p.samples = packetSamples(this.format, packet, payloadOffset, payloadLength);
    this.#jitter.push(p);
    this.#started = true;
  }

  enableInbandDtmf(onDigit: ((digit: string, startMs: number, durationMs: number) => void) | null): void {
    this.#inband = onDigit === null ? null : new DtmfDetector({ sampleRate: this.rate, onDigit: (d) => onDigit(d.digit, d.startMs, d.durationMs) });
  }

  /** one frame into `out` (frameSamples at the session rate); false when it is silence (nothing yet, underrun) */
  pull(out: Int16Array, nowMs: number): boolean {
    const audio = this.#started && this.#gather();
    if (!audio) {
      out.fill(0, 0, this.frameSamples);
      if (++this.#silentFrames > INBAND_HOLD_FRAMES) this.#inband?.process(out, this.frameSamples, nowMs);
      return false;
    }
    this.#silentFrames = 0;
    this.#toRate(out);
    this.#inband?.process(out, this.frameSamples, nowMs);
    return true;
  }

  /** pops until one codec frame is pending; false when the frame is all silence */
  #gather(): boolean {
    const jitter = this.#jitter;
    const frame = this.#codecFrame;
    let audio = this.#fill > 0;
    let dropped = false;
    for (let pops = 0; this.#fill < frame && pops < MAX_POPS; pops++) {
      const verdict = jitter.pop();
      const span = Math.max(1, Math.round(jitter.outSamples * this.#perUnit));
      let n: number;
      if (verdict === JITTER_PLAY) {
        n = this.#codec.decode(jitter.out, jitter.outLength, this.#scratch);
        if (n < 0) n = this.#codec.conceal(this.#scratch, Math.min(span, this.#scratch.length));
        else {
          this.framesDecoded++;
          // The buffer holds more than its target (a jitter spike is over): a quiet packet is
          // discarded where nobody can hear it, and the next one is popped in its place.
          if (!dropped && jitter.shouldDrop() && frameRmsDbfs(this.#scratch, n) < QUIET_DBFS) {
            jitter.dropped();
            this.framesDropped++;
            dropped = true;
            continue;
          }
        }
        audio = true;
      } else if (verdict === JITTER_LOST) {
        // RFC 7587 §3.3: the packet after a loss may carry it again as FEC
        const next = this.format.codec === 'opus' ? jitter.peekNext() : -1;
        const want = Math.min(span, frame);
        n = next > 0 ? this.#codec.recover(jitter.out, next, this.#scratch, want) : this.#codec.conceal(this.#scratch, want);
        this.framesConcealed++;
        audio = true;
      } else {
        // EMPTY: nothing at all, or a DTX gap; a whole frame of it with nothing pending is silence
        if (this.#fill === 0 && span >= frame) return false;
        n = Math.min(span, frame - this.#fill);
        this.#scratch.fill(0, 0, n);
      }
      this.#append(n);
    }
    if (this.#fill < frame) this.#pending.fill(0, this.#fill, frame);
    return audio;
  }

  #append(n: number): void {
    const room = this.#pending.length - this.#fill;
    const take = Math.min(n, room);
    if (take <= 0) return;
    const base = this.#pending.length;
    this.#store.copyWithin(this.#fill, base, base + take);
    this.#fill += take;
  }

  /** the pending frame out at the session rate; what is left over moves to the front */
  #toRate(out: Int16Array): void {
    const frame = this.frameSamples;
    const codecFrame = this.#codecFrame;
    if (this.#resampler === null) out.set(this.#head);
    else {
      const n = this.#resampler.process(this.#pending, codecFrame, out);
      if (n < frame) out.fill(0, n, frame);
    }
    const left = Math.max(0, this.#fill - codecFrame);
    if (left > 0) this.#store.copyWithin(0, codecFrame, codecFrame + left);
    this.#fill = left;
  }

  close(): void {
    this.#codec.close();
  }
}
