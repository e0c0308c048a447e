// RFC 4733 §2.5.1 sending procedures: digits queued by the caller become telephone-event packets,
// pulled on the worker's 20 ms tick. Nothing is allocated per tick: the queue is a fixed ring and
// the payload one reused 4-byte array.
import { digitToEvent } from './rfc4733.js';

export interface TelephoneEventSenderOptions {
  clockRate: number;
  payloadType: number;
  /** §2.3.4 level, -dBm0. Default 10 */
  volume?: number;
  /** §2.5.1.2 update interval; the final packet's copies use it too (§2.5.1.4). Default 50 ms */
  updateIntervalMs?: number;
  /** quiet time between the end of one digit and the start of the next. Default 60 ms */
  gapMs?: number;
  /** the tick interval the caller pulls at. Default 20 ms */
  tickMs?: number;
}

/**
 * Receives each packet due at this tick: the payload bytes (`length` of them), whether the RTP
 * marker bit is set, and the event's RTP timestamp as an offset (<= 0) from this tick's timestamp.
 */
export type TelephoneEventEmit = (payload: Uint8Array, length: number, marker: boolean, eventStart: number) => void;

const QUEUE = 64;
/** §2.3.5: the duration field is 16 bits; longer digits are cut to it (no segmenting, §2.5.1.3) */
const MAX_DURATION = 0xffff;
/** §2.5.1.4: the final packet is sent a total of three times */
const END_COPIES = 3;

/**
 * Per digit, at successive ticks (§2.5.1):
 *   start   first packet, marker bit set (§2.5.1.2), duration = one tick
 *   update  every `updateIntervalMs`, same timestamp, the duration so far
 *   end     E bit and the full duration, when the requested duration is reached, then two more
 *           identical copies at the update interval (§2.5.1.4)
 * then `gapMs` of nothing before the next queued digit.
 */
export class TelephoneEventSender {
  readonly payloadType: number;
  readonly #clockRate: number;
  readonly #volume: number;
  readonly #updateMs: number;
  readonly #gapMs: number;
  readonly #tickMs: number;
  readonly #events = new Uint8Array(QUEUE);
  readonly #durations = new Float64Array(QUEUE);
  #head = 0;
  #count = 0;
  readonly #payload = new Uint8Array(4);
  // The digit in progress.
  #sending = false;
  #event = 0;
  #units = 0; // requested duration, timestamp units
  #sinceLastMs = 0; // since the last packet
  #endsSent = 0;
  #endDuration = 0;
  #startTimestamp = 0;
  #gapLeftMs = 0;

  constructor(o: TelephoneEventSenderOptions) {
    this.payloadType = o.payloadType;
    this.#clockRate = o.clockRate;
    this.#volume = Math.max(0, Math.min(63, Math.round(o.volume ?? 10)));
    this.#updateMs = o.updateIntervalMs ?? 50;
    this.#gapMs = o.gapMs ?? 60;
    this.#tickMs = o.tickMs ?? 20;
  }

  /** Queues a digit; false for a character that is not a DTMF digit or a full queue. */
  queue(digit: string, durationMs: number): boolean {
    const event = digitToEvent(digit);
    if (event < 0 || this.#count === QUEUE || !(durationMs > 0)) return false;
    const at = (this.#head + this.#count) % QUEUE;
    this.#events[at] = event;
    this.#durations[at] = durationMs;
    this.#count++;
    return true;
  }

  /** An event (with its final copies) or the gap after it is in progress, or digits are queued. */
  get busy(): boolean {
    return this.#sending || this.#count > 0 || this.#gapLeftMs > 0;
  }

  /** Drops queued digits and the one in progress (a digit cut short gets no end packet). */
  clear(): void {
    this.#count = 0;
    this.#sending = false;
    this.#gapLeftMs = 0;
  }

  /**
   * Emits the packets due at this tick. `timestamp` is the RTP timestamp of this tick (where an
   * audio packet would go), `step` the timestamp units per tick.
   */
  due(emit: TelephoneEventEmit, timestamp: number, step: number): void {
    if (!this.#sending) {
      if (this.#gapLeftMs > 0) {
        this.#gapLeftMs -= this.#tickMs;
        if (this.#gapLeftMs > 0) return;
        this.#gapLeftMs = 0;
      }
      if (this.#count === 0) return;
      this.#startNext(timestamp, step);
      this.#write(false, step);
      emit(this.#payload, 4, true, 0); // §2.5.1.2: the first packet of an event has the marker
      return;
    }
    this.#sinceLastMs += this.#tickMs;
    const offset = (this.#startTimestamp - timestamp) | 0;
    if (this.#endsSent > 0) {
      // §2.5.1.4: copies of the final packet, at the update interval.
      if (this.#sinceLastMs + 1e-9 < this.#updateMs) return;
      this.#sendEnd(emit, offset);
      return;
    }
    const soFar = Math.min(MAX_DURATION, ((timestamp - this.#startTimestamp) >>> 0) + step);
    if (soFar >= this.#units) {
      this.#endDuration = this.#units === MAX_DURATION ? MAX_DURATION : soFar;
      this.#sendEnd(emit, offset);
      return;
    }
    if (this.#sinceLastMs + 1e-9 < this.#updateMs) return;
    this.#write(false, soFar);
    this.#sinceLastMs = 0;
    emit(this.#payload, 4, false, offset);
  }

  #startNext(timestamp: number, step: number): void {
    this.#event = this.#events[this.#head]!;
    const ms = this.#durations[this.#head]!;
    this.#head = (this.#head + 1) % QUEUE;
    this.#count--;
    this.#units = Math.max(step, Math.min(MAX_DURATION, Math.round((ms * this.#clockRate) / 1000)));
    this.#sending = true;
    this.#sinceLastMs = 0;
    this.#endsSent = 0;
    this.#startTimestamp = timestamp >>> 0;
  }

  #sendEnd(emit: TelephoneEventEmit, offset: number): void {
    this.#write(true, this.#endDuration);
    this.#sinceLastMs = 0;
    this.#endsSent++;
    if (this.#endsSent === END_COPIES) {
      this.#sending = false;
      this.#gapLeftMs = this.#gapMs;
    }
    emit(this.#payload, 4, false, offset);
  }

  #write(end: boolean, duration: number): void {
    const p = this.#payload;
    p[0] = this.#event;
    p[1] = (end ? 0x80 : 0) | this.#volume;
    p[2] = (duration >> 8) & 0xff;
    p[3] = duration & 0xff;
  }
}
