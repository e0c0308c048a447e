// What we send a phone when we originate its audio (mixing, transcoding, playback): 20 ms PCM
// frames at the session's rate, resampled to the codec's rate, encoded and packetised with our own
// SSRC, sequence and timestamp (RFC 3550 §5.1: random initial values). DTMF digits go out as
// RFC 4733 events in place of the audio while they last (§2.5: the event's packets use the audio
// stream's SSRC and sequence).
import { randomInt } from 'node:crypto';
import { createCodec, type AudioCodec } from '../codecs/index.js';
import { Resampler } from '../dsp/resample.js';
import { TelephoneEventSender } from '../dsp/index.js';
import { nativeRate, timestampStep } from './formats.js';
import type { MediaFormat } from '../types.js';

const HEADER = 12;
const MAX_PACKET = 1500;
/** dgram may still hold a sent Buffer when the socket's queue is busy: packets rotate over a ring */
const RING = 8;

export interface OutboundOptions {
  readonly format: MediaFormat;
  readonly rate: number;
  /** hands a finished packet to the endpoint (which protects it with SRTP when set and sends it) */
  readonly transmit: (packet: Buffer, length: number) => void;
}

export class OutboundStream {
  readonly format: MediaFormat;
  readonly rate: number;
  readonly ssrc: number;
  readonly #codec: AudioCodec;
  readonly #resampler: Resampler | null;
  readonly #pcm: Int16Array;
  /** samples the codec takes per frame (Opus encodes exactly rate/50, RFC 6716 frame sizes) */
  readonly #codecFrame: number;
  readonly #sessionFrame: number;
  readonly #ring = Array.from({ length: RING }, () => Buffer.alloc(MAX_PACKET));
  /** each slot's payload area, made once (a view per frame would allocate on the packet path) */
  readonly #payloads = this.#ring.map((b) => b.subarray(HEADER));
  #ringIndex = 0;
  #packet = this.#ring[0]!;
  #payload = this.#payloads[0]!;
  readonly #transmit: OutboundOptions['transmit'];
  readonly #dtmf: TelephoneEventSender | null;
  #seq: number;
  #timestamp: number;
  #marker = true;
  packetsSent = 0;
  octetsSent = 0;

  constructor(options: OutboundOptions) {
    this.format = options.format;
    this.rate = options.rate;
    this.#transmit = options.transmit;
    const codecRate = nativeRate(options.format, options.rate);
    this.#codec = createCodec({ name: options.format.codec, sampleRate: codecRate, opus: { fec: true } });
    this.#resampler = codecRate === options.rate ? null : new Resampler({ fromRate: options.rate, toRate: codecRate });
    this.#codecFrame = codecRate / 50;
    this.#sessionFrame = options.rate / 50;
    this.#pcm = new Int16Array(this.#codecFrame + 16);
    this.ssrc = randomInt(1, 2 ** 32 - 1) >>> 0;
    this.#seq = randomInt(0, 0x10000);
    this.#timestamp = randomInt(0, 2 ** 32 - 1) >>> 0;
    const te = options.format.telephoneEvent;
    this.#dtmf = te === null ? null : new TelephoneEventSender({ clockRate: options.format.clockRate, payloadType: te });
  }

  /** RFC 4733 events; false when the phone did not negotiate telephone-event */
  queueDtmf(digits: string, durationMs: number): boolean {
    if (this.#dtmf === null) return false;
    for (const digit of digits) this.#dtmf.queue(digit, durationMs);
    return true;
  }

  get dtmfBusy(): boolean {
    return this.#dtmf?.busy ?? false;
  }

  /** one frame (rate / 50 samples); a DTMF event in progress replaces it */
  send(frame: Int16Array): void {
    if (this.#dtmf !== null && this.#dtmf.busy) {
      this.#sendEvents();
      this.#advance();
      return;
    }
    let pcm = frame;
    const codecFrame = this.#codecFrame;
    if (this.#resampler !== null) {
      const n = this.#resampler.process(frame, Math.min(frame.length, this.#sessionFrame), this.#pcm);
      // integer rate ratios give exactly one frame; anything short is padded so the codec gets its size
      if (n < codecFrame) this.#pcm.fill(0, n, codecFrame);
      pcm = this.#pcm;
    } else if (frame.length < codecFrame) {
      this.#pcm.set(frame);
      this.#pcm.fill(0, frame.length, codecFrame);
      pcm = this.#pcm;
    }
    const bytes = this.#codec.encode(pcm, codecFrame, this.#payload);
    // RFC 7587 §3.1.3: a DTX packet of 1-2 bytes is comfort noise the encoder may send; we send nothing
    // (the phone conceals), and the audio after the gap starts a new talkspurt (RFC 3551 §4.1 marker).
    if (bytes <= 0 || (bytes <= 2 && this.format.codec === 'opus')) {
      if (bytes > 0) this.#marker = true;
      this.#advance();
      return;
    }
    this.#header(this.format.payloadType, this.#marker, this.#timestamp);
    this.#marker = false;
    this.#emit(HEADER + bytes);
    this.#advance();
  }

  /** RFC 4733 §2.5.1: every packet of one event carries the event's start timestamp */
  #sendEvents(): void {
    const sender = this.#dtmf!;
    sender.due((payload, length, marker, eventStart) => {
      this.#header(sender.payloadType, marker, (eventStart + this.#timestamp) >>> 0);
      for (let i = 0; i < length; i++) this.#packet[HEADER + i] = payload[i]!;
      this.#emit(HEADER + length);
    }, this.#timestamp, timestampStep(this.format));
    if (!sender.busy) this.#marker = true; // audio after an event starts a talkspurt
  }

  #header(payloadType: number, marker: boolean, timestamp: number): void {
    const p = this.#packet;
    p[0] = 0x80;
    p[1] = (marker ? 0x80 : 0) | payloadType;
    p.writeUInt16BE(this.#seq, 2);
    p.writeUInt32BE(timestamp >>> 0, 4);
    p.writeUInt32BE(this.ssrc, 8);
    this.#seq = (this.#seq + 1) & 0xffff;
  }

  #emit(length: number): void {
    this.packetsSent++;
    this.octetsSent += length - HEADER;
    this.#transmit(this.#packet, length);
    this.#ringIndex = (this.#ringIndex + 1) % RING;
    this.#packet = this.#ring[this.#ringIndex]!;
    this.#payload = this.#payloads[this.#ringIndex]!;
  }

  #advance(): void {
    this.#timestamp = (this.#timestamp + timestampStep(this.format)) >>> 0;
  }

  /** RFC 3550 §6.4.1 sender info */
  get rtpTimestamp(): number {
    return this.#timestamp;
  }

  close(): void {
    this.#codec.close();
  }
}
