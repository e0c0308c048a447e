// Ogg framing and Opus headers checked against the CRC catalogue and files written by opusenc
// (opus-tools, libopusenc): an independent implementation of the same two RFCs.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OGG_BOS, OGG_EOS, OggPageStaging, oggCrc } from './ogg-page.js';
import { OPUS_PRE_SKIP, opusHead, opusTags } from './opus-headers.js';
import { exec, readOggPages } from './testing.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hailing-ogg-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A 1 s stereo tone at `rate` encoded by opusenc. */
async function opusencFile(rate: number): Promise<Buffer> {
  const wav = path.join(dir, `in-${rate}.wav`);
  const out = path.join(dir, `out-${rate}.opus`);
  await exec('sox', ['-n', '-r', String(rate), '-b', '16', '-c', '2', wav, 'synth', '1', 'sine', '400']);
  await exec('opusenc', ['--quiet', wav, out]);
  return readFile(out);
}

describe('Ogg CRC (RFC 3533 §6)', () => {
  it('matches the catalogued check value of poly 0x04c11db7, init 0, unreflected (CRC-32/CKSUM 0x765e7680 before its final XOR)', () => {
    const check = Buffer.from('123456789', 'latin1');
    assert.equal(oggCrc(check, 0, check.length), (0x765e7680 ^ 0xffffffff) >>> 0);
  });

  it('reproduces the checksum of every page opusenc wrote', async () => {
    const pages = readOggPages(await opusencFile(8000));
    assert.ok(pages.length >= 3);
    for (const p of pages) assert.equal(oggCrc(p.zeroed, 0, p.zeroed.length), p.crc, `page ${p.sequence}`);
  });
});

describe('Opus headers (RFC 7845 §5)', () => {
  for (const rate of [8000, 16000, 48000] as const) {
    it(`OpusHead for stereo ${rate} Hz input is byte for byte what opusenc writes (pre-skip included)`, async () => {
      const pages = readOggPages(await opusencFile(rate));
      const theirs = pages[0]?.packets[0];
      assert.ok(theirs);
      assert.deepEqual(opusHead({ channels: 2, inputSampleRate: rate, preSkip: OPUS_PRE_SKIP }), theirs);
    });
  }

  it('OpusTags carries the vendor string and an empty comment list', () => {
    const t = opusTags('Hailing');
    assert.equal(t.toString('latin1', 0, 8), 'OpusTags');
    assert.equal(t.readUInt32LE(8), 7);
    assert.equal(t.toString('utf8', 12, 19), 'Hailing');
    assert.equal(t.readUInt32LE(19), 0);
    assert.equal(t.length, 23);
  });
});

describe('OggPageStaging', () => {
  it('RFC 3533 §5: lacing values of 255 then a final value below 255 (0 when the length is a multiple of 255)', () => {
    const s = new OggPageStaging({ serial: 0x1234, bodyBytes: 4096 });
    const a = Buffer.alloc(255, 1);
    const b = Buffer.alloc(600, 2);
    const c = Buffer.alloc(3, 3);
    assert.ok(s.add(a, a.length) && s.add(b, b.length) && s.add(c, c.length));
    const out = Buffer.alloc(s.pageBytes);
    assert.equal(s.serialize(out, 0, OGG_BOS | OGG_EOS, 960 * 3), out.length);
    // lacing: [255, 0] for 255 bytes, [255, 255, 90] for 600, [3] for 3
    assert.deepEqual([...out.subarray(27, 27 + out[26]!)], [255, 0, 255, 255, 90, 3]);
    const [page] = readOggPages(out);
    assert.ok(page);
    assert.deepEqual(page.packets, [a, b, c]);
    assert.equal(page.flags, OGG_BOS | OGG_EOS);
    assert.equal(page.granule, 2880n);
    assert.equal(page.serial, 0x1234);
    assert.equal(page.sequence, 0);
    assert.equal(oggCrc(page.zeroed, 0, page.zeroed.length), page.crc);
  });

  it('refuses a packet past 255 lacing values or the body capacity, and numbers pages in sequence', () => {
    const s = new OggPageStaging({ serial: 1, bodyBytes: 1000 });
    const small = Buffer.alloc(1);
    for (let i = 0; i < 255; i++) assert.ok(s.add(small, 1));
    assert.equal(s.add(small, 1), false);
    const out = Buffer.alloc(4096);
    const n = s.serialize(out, 0, 0, 0);
    assert.equal(n, 27 + 255 + 255);
    assert.equal(s.add(Buffer.alloc(1001), 1001), false);
    assert.ok(s.add(Buffer.alloc(1000), 1000));
    assert.equal(s.serialize(out, n, 0, 0), 27 + 4 + 1000);
    assert.deepEqual(
      readOggPages(out.subarray(0, n + 27 + 4 + 1000)).map((p) => p.sequence),
      [0, 1],
    );
  });

  it('keeps the page when the output has no room', () => {
    const s = new OggPageStaging({ serial: 1, bodyBytes: 100 });
    s.add(Buffer.alloc(50), 50);
    assert.equal(s.serialize(Buffer.alloc(60), 0, 0, 0), 0);
    assert.equal(s.packets, 1);
  });
});
