// Encryption at rest (issue 14): a sealed recording is no WAV/Ogg on disk (no RIFF/OggS header,
// bytes close to random), decrypts with its file key to a file sox/opusdec decode to the tones
// that went in, and refuses a wrong key or an altered record. Both profiles: AES-256-GCM and the
// 国密 profile SM4-CTR + HMAC-SM3.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Recorder } from './recorder.js';
import { SealedFileError } from './sealed-file.js';
import { keyBytes, type SealProfile } from './sealed-format.js';
import { byteEntropy, channelPeakHz, opusdec, soxTone, soxi, unsealFile } from './testing.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hailing-sealed-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function recordSealed(o: { profile: SealProfile; format: 'wav' | 'ogg'; seconds: number; key: Buffer }) {
  const left = await soxTone({ dir, hz: 400, rate: 8000, seconds: o.seconds });
  const right = await soxTone({ dir, hz: 800, rate: 8000, seconds: o.seconds });
  let t = 0;
  const file = path.join(dir, `${o.profile}.${o.format}`);
  const r = await Recorder.open({ path: file, format: o.format, sampleRate: 8000, channels: 2, now: () => t, queueChunks: 16, seal: { profile: o.profile, key: o.key, wrappedKey: Buffer.from('wrapped-by-the-server') } });
  for (let i = 0; i < o.seconds * 50; i++) {
    r.write(left.subarray(i * 160, i * 160 + 160), right.subarray(i * 160, i * 160 + 160), 160);
    t += 20;
  }
  const result = await r.close();
  return { file, result };
}

for (const profile of ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const) {
  for (const format of ['wav', 'ogg'] as const) {
    describe(`sealed ${format} recording, profile ${profile}`, () => {
      const key = randomBytes(keyBytes(profile));
      let file = '';
      before(async () => {
        ({ file } = await recordSealed({ profile, format, seconds: 3, key }));
      });

      it('on disk it is neither WAV nor Ogg, and its bytes are close to random (≥ 7.9 bits/byte)', async () => {
        const bytes = await readFile(file);
        assert.notEqual(bytes.toString('latin1', 0, 4), 'RIFF');
        assert.notEqual(bytes.toString('latin1', 0, 4), 'OggS');
        assert.equal(bytes.indexOf('OggS'), -1, 'no Ogg page anywhere in the file');
        const h = byteEntropy(bytes);
        assert.ok(h >= 7.9, `entropy ${h.toFixed(3)} bits/byte`);
      });

      it('decrypts with its file key to audio sox/opusdec decode: 400 Hz left, 800 Hz right, 3 s', async () => {
        const out = path.join(dir, `${profile}-plain.${format}`);
        const { header, layout } = await unsealFile({ file, key, out });
        assert.equal(header.profile, profile);
        assert.equal(header.format, format);
        assert.equal(layout.finished, true);
        assert.deepEqual(header.slots[0], Buffer.from('wrapped-by-the-server'));
        const wav = format === 'wav' ? out : await opusdec(out);
        const info = await soxi(wav);
        assert.equal(info.channels, 2);
        assert.ok(Math.abs(info.seconds - 3) < 0.05, `${info.seconds} s`);
        assert.ok(Math.abs((await channelPeakHz({ file: wav, channel: 1 })) - 400) < 20);
        assert.ok(Math.abs((await channelPeakHz({ file: wav, channel: 2 })) - 800) < 20);
      });

      it('a wrong key opens nothing; an altered byte inside a record is refused', async () => {
        await assert.rejects(unsealFile({ file, key: randomBytes(keyBytes(profile)), out: path.join(dir, 'x') }), SealedFileError);
        const bytes = await readFile(file);
        bytes[600] = (bytes[600] ?? 0) ^ 1;
        const altered = path.join(dir, `${profile}-altered.${format}`);
        await writeFile(altered, bytes);
        await assert.rejects(unsealFile({ file: altered, key, out: path.join(dir, 'y') }), SealedFileError);
      });

      it('cut in the middle of a record, it decrypts up to the last whole record', async () => {
        const bytes = await readFile(file);
        const cut = path.join(dir, `${profile}-cut.${format}`);
        await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
        const out = path.join(dir, `${profile}-cut-plain.${format}`);
        const { layout } = await unsealFile({ file: cut, key, out });
        assert.equal(layout.finished, false);
        const info = await soxi(format === 'wav' ? out : await opusdec(out));
        assert.ok(info.seconds > 1 && info.seconds < 3, `${info.seconds} s`);
      });
    });
  }
}
