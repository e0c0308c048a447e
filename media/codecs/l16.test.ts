// L16 byte order (RFC 3551 §4.5.11: "network byte order") against sox's big-endian output.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createCodec } from './factory.js';
import { RAW16, SOX_MISSING, Scratch, sox, soxSine } from './test-support.js';

const scratch = new Scratch();
after(() => scratch.close());

describe('L16 (RFC 3551 §4.5.11)', () => {
  for (const rate of [8000, 16000, 48000]) {
    it(`${rate} Hz: encodes like sox -B and decodes sox -B back to the samples`, { skip: SOX_MISSING ?? false }, () => {
      const pcm = soxSine({ scratch, rate, hz: 600, seconds: 0.2 });
      const big = scratch.path(`be-${rate}.raw`);
      sox([...RAW16(rate), scratch.path(`sine-${rate}-600.raw`), '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-B', '-c', '1', big]);
      const expected = new Uint8Array(readFileSync(big));
      const codec = createCodec({ name: 'L16', sampleRate: rate });
      const frame = rate / 50;
      assert.equal(codec.payloadBytesPerFrame, frame * 2);
      assert.equal(codec.rtpClockRate, rate);
      const encoded = new Uint8Array(pcm.length * 2);
      const decoded = new Int16Array(pcm.length);
      for (let i = 0; i + frame <= pcm.length; i += frame) {
        assert.equal(codec.encode(pcm.subarray(i, i + frame), frame, encoded.subarray(2 * i)), frame * 2);
        assert.equal(codec.decode(expected.subarray(2 * i), frame * 2, decoded.subarray(i)), frame);
      }
      assert.deepEqual(encoded, expected);
      assert.deepEqual(decoded, pcm);
    });
  }

  it('puts the most significant byte first: 0x1234 → 12 34, -2 → FF FE', () => {
    const out = new Uint8Array(4);
    createCodec({ name: 'L16' }).encode(Int16Array.of(0x1234, -2), 2, out);
    assert.deepEqual([...out], [0x12, 0x34, 0xff, 0xfe]);
  });

  it('an odd payload length is corrupt (-1)', () => {
    assert.equal(createCodec({ name: 'L16' }).decode(new Uint8Array(3), 3, new Int16Array(4)), -1);
  });
});
