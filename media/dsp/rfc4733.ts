// RFC 4733 telephone-events (DTMF over RTP): the payload (§2.3), a receiver that turns packets into
// digits (§2.5.2) and a sender that turns digits into packets (§2.5.1). Sans-IO: the caller owns
// the RTP header, sockets and clock.
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//  |     event     |E|R| volume    |          duration             |
//  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+

/** RFC 4733 §3.2 event codes 0-15 */
export const TELEPHONE_EVENT_DIGITS = '0123456789*#ABCD';

export interface TelephoneEvent {
  event: number;
  /** §2.3.2 E bit: the event has ended */
  end: boolean;
  /** §2.3.4 power level, in -dBm0 (0..63) */
  volume: number;
  /** §2.3.5 in timestamp units since the event's timestamp */
  duration: number;
}

/** §2.3: the first event of a payload, or null when fewer than 4 bytes. */
export function parseTelephoneEvent(payload: Uint8Array, length: number): TelephoneEvent | null {
  if (length < 4 || payload.length < 4) return null;
  return { event: payload[0]!, end: (payload[1]! & 0x80) !== 0, volume: payload[1]! & 0x3f, duration: (payload[2]! << 8) | payload[3]! };
}

/** The event code of a digit ('0'-'9', '*', '#', 'A'-'D', case-insensitive), or -1. */
export function digitToEvent(digit: string): number {
  return TELEPHONE_EVENT_DIGITS.indexOf(digit.toUpperCase());
}

export interface ReceivedDigit {
  digit: string;
  /** RTP timestamp of the event (its start) */
  timestamp: number;
  durationMs: number;
  /** -dBm0 */
  volume: number;
  /** false when the end packets were all lost and the event was ended by silence */
  endSeen: boolean;
}

export interface TelephoneEventPacket {
  timestamp: number;
  marker: boolean;
  /** the RTP payload (the event block at index 0) */
  payload: Uint8Array;
  /** arrival time, ms, on the caller's clock */
  nowMs: number;
}

export interface TelephoneEventReceiverOptions {
  clockRate: number;
  onDigit: (digit: ReceivedDigit) => void;
  /** an event with no packet for this long is over even without an end packet. Default 400 ms
   *  (senders update at least every 50 ms, RFC 4733 §2.5.1.2; eight updates lost is an end) */
  timeoutMs?: number;
}

const MAX_DURATION = 0xffff;

/**
 * Receiving procedures, RFC 4733 §2.5.2:
 * - packets with the current event's timestamp update its duration; the first end packet reports
 *   the digit and retransmitted ends (§2.5.1.4, same timestamp) are dropped;
 * - a packet with a newer timestamp starts a new event (its first packet, with the marker, may
 *   be lost), ending a previous one that never showed its end;
 * - a packet older than the current event (reordered) is dropped;
 * - §2.5.2.3: a segment of a long event (same event, no marker, timestamp = previous + 0xFFFF)
 *   continues it;
 * - `tick(nowMs)` ends an event whose end packets were all lost after `timeoutMs` without packets.
 */
export class TelephoneEventReceiver {
  readonly #clockRate: number;
  readonly #onDigit: (digit: ReceivedDigit) => void;
  readonly #timeoutMs: number;
  #active = false; // an event is in progress
  #ended = false; // the current timestamp's event was reported
  #haveTimestamp = false;
  #timestamp = 0;
  #startTimestamp = 0;
  #event = 0;
  #volume = 0;
  #duration = 0; // of the current segment, timestamp units
  #previousSegments = 0; // long events: units in earlier segments
  #lastPacketMs = 0;
  /** packets dropped: too short, unknown event, stale or duplicate */
  dropped = 0;

  constructor(o: TelephoneEventReceiverOptions) {
    this.#clockRate = o.clockRate;
    this.#onDigit = o.onDigit;
    this.#timeoutMs = o.timeoutMs ?? 400;
  }

  push(p: TelephoneEventPacket): void {
    const b = p.payload;
    if (b.length < 4) {
      this.dropped++;
      return;
    }
    const event = b[0]!;
    const end = (b[1]! & 0x80) !== 0;
    const volume = b[1]! & 0x3f;
    const duration = (b[2]! << 8) | b[3]!;
    const ts = p.timestamp >>> 0;
    if (this.#haveTimestamp && ts !== this.#timestamp) {
      const ahead = (ts - this.#timestamp) | 0; // RFC 3550 timestamps wrap: compare as a signed difference
      if (ahead < 0) {
        this.dropped++; // a packet of an earlier event, arriving late
        return;
      }
      // §2.5.2.3: the next segment of a long event carries timestamp + 0xFFFF and no marker.
      const continues = this.#active && !p.marker && event === this.#event && ahead === MAX_DURATION && this.#duration === MAX_DURATION;
      if (continues) {
        this.#previousSegments += MAX_DURATION;
        this.#timestamp = ts;
        this.#duration = 0;
      } else {
        this.#finish(false);
        this.#begin(ts, event, volume);
      }
    } else if (!this.#haveTimestamp) {
      this.#begin(ts, event, volume);
    } else if (this.#ended) {
      this.dropped++; // §2.5.1.4: a retransmitted end, or an update that arrived after it
      return;
    }
    if (event > 15 || event !== this.#event) {
      this.dropped++; // not a DTMF digit (or a second event code under one timestamp)
      return;
    }
    this.#lastPacketMs = p.nowMs;
    if (duration > this.#duration) this.#duration = duration;
    this.#volume = volume;
    if (end) this.#finish(true);
  }

  /** Ends an event whose end packets were all lost; call it on the worker's tick. */
  tick(nowMs: number): void {
    if (this.#active && !this.#ended && nowMs - this.#lastPacketMs >= this.#timeoutMs) this.#finish(false);
  }

  #begin(ts: number, event: number, volume: number): void {
    this.#haveTimestamp = true;
    this.#timestamp = ts;
    this.#startTimestamp = ts;
    this.#event = event;
    this.#volume = volume;
    this.#duration = 0;
    this.#previousSegments = 0;
    this.#ended = false;
    this.#active = event <= 15;
  }

  #finish(endSeen: boolean): void {
    if (!this.#active || this.#ended) return;
    this.#ended = true;
    this.#active = false;
    const units = this.#previousSegments + this.#duration;
    this.#onDigit({
      digit: TELEPHONE_EVENT_DIGITS[this.#event]!,
      timestamp: this.#startTimestamp,
      durationMs: (units * 1000) / this.#clockRate,
      volume: this.#volume,
      endSeen,
    });
  }
}
