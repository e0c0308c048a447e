// One RTP stream toward a phone, whatever feeds it: the relay (the peer phone's SSRC and numbers),
// a room, playback or our own DTMF events (an OutboundStream's SSRC and numbers). RFC 3550 §8.2 lets
// a receiver take a new SSRC as a new source, but phones' jitter buffers do not all do so: baresip
// 1.0 keeps the old source's sequence position and drops every packet of the new one that is behind
// it ("packet too late"), i.e. half the time for a random initial sequence number (§5.1), until the
// source changes back. So, as Asterisk's constant_ssrc does: until a second source appears nothing is
// rewritten (a plain relay keeps the peer's SSRC and numbers end to end, and its RTCP stays true);
// from then on every packet leaves with the first source's SSRC and the next sequence number, and
// its timestamp is moved by an offset fixed when its source (re)starts, with the marker bit set
// (RFC 3551 §4.1: the start of a talkspurt may jump in time). Sources that interleave (our RFC 4733
// events between relayed packets) keep their offsets, so an event's timestamp stays the same.
import { readU32 } from '../rtp/rtp.js';

/** a source silent this long has restarted: its offset is fixed again from the time that passed */
const RESTART_MS = 100;
/** sources remembered (each room join or transcoder makes a new one); the oldest is forgotten */
const MAX_SOURCES = 4;

export class StreamContinuity {
  #ssrc = -1;
  #rewriting = false;
  #seq = 0;
  #ts = 0;
  #lastAt = 0;
  readonly #sources = new Map<number, { offset: number; lastAt: number }>();

  /** the SSRC the phone sees (for matching its RTCP report blocks); -1 before the first packet */
  get ssrc(): number {
    return this.#ssrc;
  }

  /**
   * RFC 3550 §6.4.1 SR: the RTP timestamp "corresponding to the same time as the NTP timestamp",
   * i.e. the last sent packet's, moved on by the time since it left (`nowMs` on the same clock).
   */
  timestampAt(nowMs: number, clockRate: number): number {
    return (this.#ts + Math.round(((nowMs - this.#lastAt) * clockRate) / 1000)) >>> 0;
  }

  /** rewrites the header of `p` (an RTP packet of at least 12 octets, checked by the caller) in place */
  apply(p: Buffer, nowMs: number, clockRate: number): void {
    const ssrc = readU32(p, 8);
    const ts = readU32(p, 4);
    if (this.#ssrc === -1) this.#ssrc = ssrc;
    if (!this.#rewriting && ssrc !== this.#ssrc) this.#rewriting = true;
    if (!this.#rewriting) {
      this.#seq = p.readUInt16BE(2);
      this.#ts = ts;
      this.#lastAt = nowMs;
      return;
    }
    let source = this.#sources.get(ssrc);
    if (source === undefined || nowMs - source.lastAt > RESTART_MS) {
      const elapsed = Math.max(1, Math.round(((nowMs - this.#lastAt) * clockRate) / 1000));
      const offset = (this.#ts + elapsed - ts) >>> 0;
      if (source === undefined) {
        if (this.#sources.size >= MAX_SOURCES) this.#sources.delete(this.#sources.keys().next().value!);
        source = { offset, lastAt: nowMs };
        this.#sources.set(ssrc, source);
      } else source.offset = offset;
      p[1] = p[1]! | 0x80;
    }
    source.lastAt = nowMs;
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (ts + source.offset) >>> 0;
    this.#lastAt = nowMs;
    p.writeUInt16BE(this.#seq, 2);
    p.writeUInt32BE(this.#ts, 4);
    p.writeUInt32BE(this.#ssrc >>> 0, 8);
  }
}
