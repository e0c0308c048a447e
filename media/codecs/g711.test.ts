// G.711 against sox (an independent G.711 implementation) and values read off ITU-T G.711 Tables 1a/2a.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createCodec } from './factory.js';
import { ALAW_DECODE, ULAW_DECODE } from './g711.js';
import { RAW16, SOX_MISSING, Scratch, sox, soxSine, writePcm } from './test-support.js';

const skip = SOX_MISSING ?? false;
const scratch = new Scratch();
after(() => scratch.close());

const LAWS = [
  { name: 'PCMU', encoding: 'u-law' },
  { name: 'PCMA', encoding: 'a-law' },
] as const;

/** Every 16-bit value once, so the comparison covers every decision interval of both laws. */
function everySample(): Int16Array {
  const pcm = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) pcm[i] = i - 32768;
  return pcm;
}

function encodeOurs(name: 'PCMU' | 'PCMA', pcm: Int16Array): Uint8Array {
  const codec = createCodec({ name });
  const out = new Uint8Array(pcm.length);
  // 20 ms frames, as the engine calls it
  for (let i = 0; i < pcm.length; i += 160) {
    const n = Math.min(160, pcm.length - i);
    assert.equal(codec.encode(pcm.subarray(i, i + n), n, out.subarray(i, i + n)), n);
  }
  return out;
}

function encodeSox(encoding: string, pcm: Int16Array, tag: string): Uint8Array {
  const input = scratch.path(`${tag}.raw`);
  const output = scratch.path(`${tag}.${encoding}`);
  writePcm(input, pcm);
  // -D: sox would otherwise dither when reducing precision, which is not part of G.711.
  sox(['-D', ...RAW16(8000), input, '-t', 'raw', '-r', '8000', '-e', encoding, '-c', '1', output]);
  return new Uint8Array(readFileSync(output));
}

describe('G.711 encoder matches sox byte for byte', () => {
  for (const law of LAWS) {
    it(`${law.name}: a sox-made 600 Hz sine`, { skip }, () => {
      const pcm = soxSine({ scratch, rate: 8000, hz: 600, seconds: 1, gainDb: -1 });
      assert.deepEqual(encodeOurs(law.name, pcm), encodeSox(law.encoding, pcm, `sine-${law.name}`));
    });
    it(`${law.name}: all 65536 16-bit sample values`, { skip }, () => {
      const pcm = everySample();
      assert.deepEqual(encodeOurs(law.name, pcm), encodeSox(law.encoding, pcm, `all-${law.name}`));
    });
  }
});

describe('G.711 decoder matches sox for all 256 codes', () => {
  for (const law of LAWS) {
    it(`${law.name}: every code`, { skip }, () => {
      const codes = new Uint8Array(256);
      for (let i = 0; i < 256; i++) codes[i] = i;
      const input = scratch.path(`codes.${law.encoding}`);
      const output = scratch.path(`codes-${law.name}.raw`);
      writeFileSync(input, codes);
      sox(['-t', 'raw', '-r', '8000', '-e', law.encoding, '-c', '1', input, ...RAW16(8000), output]);
      const expected = new Int16Array(new Uint8Array(readFileSync(output)).buffer);
      const ours = new Int16Array(256);
      assert.equal(createCodec({ name: law.name }).decode(codes, 256, ours), 256);
      assert.deepEqual(ours, expected);
    });
  }
});

describe('G.711 tables against the Recommendation', () => {
  it('µ-law (Table 2a): 0xFF and 0x7F are ±0, 0x80/0x00 are the ±8031 (14-bit) extremes', () => {
    assert.equal(ULAW_DECODE[0xff], 0);
    assert.equal(ULAW_DECODE[0x7f], 0);
    assert.equal(ULAW_DECODE[0x80], 8031 * 4);
    assert.equal(ULAW_DECODE[0x00], -8031 * 4);
  });
  it('A-law (Table 1a): 0xD5/0x55 are ±1 (13-bit) and 0xAA/0x2A the ±4032 extremes, even bits inverted', () => {
    assert.equal(ALAW_DECODE[0xd5], 8);
    assert.equal(ALAW_DECODE[0x55], -8);
    assert.equal(ALAW_DECODE[0xaa], 4032 * 8);
    assert.equal(ALAW_DECODE[0x2a], -4032 * 8);
  });
  it('RFC 3551 §4.5.14: one octet per sample, 160 octets per 20 ms, 8000 Hz clock', () => {
    for (const law of LAWS) {
      const c = createCodec({ name: law.name });
      assert.equal(c.payloadBytesPerFrame, 160);
      assert.equal(c.rtpClockRate, 8000);
      assert.equal(c.sampleRate, 8000);
    }
  });
  it('a payload longer than the buffer it claims to be in is corrupt (-1), not a throw', () => {
    assert.equal(createCodec({ name: 'PCMU' }).decode(new Uint8Array(10), 20, new Int16Array(160)), -1);
  });
});
