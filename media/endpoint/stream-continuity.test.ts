import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamContinuity } from './stream-continuity.js';

/** an RTP header (RFC 3550 §5.1) with a 1-octet payload */
function rtp(o: { ssrc: number; seq: number; ts: number; pt?: number; marker?: boolean }): Buffer {
  const p = Buffer.alloc(13);
  p[0] = 0x80;
  p[1] = (o.marker ? 0x80 : 0) | (o.pt ?? 0);
  p.writeUInt16BE(o.seq, 2);
  p.writeUInt32BE(o.ts, 4);
  p.writeUInt32BE(o.ssrc, 8);
  return p;
}
const header = (p: Buffer) => ({ ssrc: p.readUInt32BE(8), seq: p.readUInt16BE(2), ts: p.readUInt32BE(4), marker: (p[1]! & 0x80) !== 0 });

describe('StreamContinuity: one stream toward the phone', () => {
  it('a plain relay passes SSRC, sequence and timestamp through unchanged', () => {
    const c = new StreamContinuity();
    for (let i = 0; i < 3; i++) {
      const p = rtp({ ssrc: 0xabc, seq: (65534 + i) & 0xffff, ts: 1000 + 160 * i });
      c.apply(p, 20 * i, 8000);
      assert.deepEqual(header(p), { ssrc: 0xabc, seq: (65534 + i) & 0xffff, ts: 1000 + 160 * i, marker: false });
    }
    assert.equal(c.ssrc, 0xabc);
  });

  it('a new source (a room) continues the first one: same SSRC, next sequence number, timestamp by elapsed time, marker', () => {
    const c = new StreamContinuity();
    c.apply(rtp({ ssrc: 1, seq: 30000, ts: 5000 }), 0, 8000);
    // the room's stream starts 20 ms later with numbers behind the relay's (baresip would drop it)
    const first = rtp({ ssrc: 2, seq: 10, ts: 77 });
    c.apply(first, 20, 8000);
    assert.deepEqual(header(first), { ssrc: 1, seq: 30001, ts: 5160, marker: true });
    const next = rtp({ ssrc: 2, seq: 11, ts: 237 });
    c.apply(next, 40, 8000);
    assert.deepEqual(header(next), { ssrc: 1, seq: 30002, ts: 5320, marker: false });
    // back to the relay 1 s later: still one stream
    const back = rtp({ ssrc: 1, seq: 30050, ts: 13000 });
    c.apply(back, 1040, 8000);
    assert.deepEqual(header(back), { ssrc: 1, seq: 30003, ts: 5320 + 8000, marker: true });
  });

  it('RFC 4733 §2.5.1.1: interleaved event packets keep one event timestamp', () => {
    const c = new StreamContinuity();
    c.apply(rtp({ ssrc: 1, seq: 100, ts: 1000 }), 0, 8000);
    const seen: { seq: number; ts: number; ssrc: number }[] = [];
    for (let i = 1; i <= 4; i++) {
      const event = rtp({ ssrc: 9, seq: 500 + i, ts: 40000, pt: 101 });
      c.apply(event, 20 * i, 8000);
      const audio = rtp({ ssrc: 1, seq: 100 + i, ts: 1000 + 160 * i });
      c.apply(audio, 20 * i, 8000);
      seen.push(header(event), header(audio));
    }
    assert.deepEqual(seen.map((h) => h.seq), [101, 102, 103, 104, 105, 106, 107, 108]);
    assert.ok(seen.every((h) => h.ssrc === 1));
    const eventTs = seen.filter((_, i) => i % 2 === 0).map((h) => h.ts);
    assert.equal(new Set(eventTs).size, 1, `event timestamps ${eventTs.join(', ')}`);
  });
});
