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
  readonly #ring = Array.from({ length: RING }, () => Buffer.alloc(MAX_PACKET));
  #ringIndex = 0;
  #packet = this.#ring[0]!;
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
    this.#pcm = new Int16Array(codecRate / 50 + 16);
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
    let samples = frame.length;
    let pcm = frame;
    if (this.#resampler !== null) {
      samples = this.#resampler.process(frame, frame.length, this.#pcm);
      pcm = this.#pcm;
    }
    const bytes = this.#codec.encode(pcm, samples, this.#packet.subarray(HEADER));
    if (bytes <= 0) {
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
      this.#packet.set(payload.subarray(0, length), HEADER);
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
