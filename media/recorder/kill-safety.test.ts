// Kill-safety: a process recording in real time is SIGKILLed mid-call; what it leaves must decode
// (sox for WAV, opusdec for Ogg/Opus) and hold everything up to the last flush (flushMs = 1 s).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { keyBytes, type SealProfile } from './sealed-format.js';
import { opusdec, soxi, unsealFile } from './testing.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const KILL_AFTER_FRAMES = 125; // 2.5 s

let dir = '';
before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hailing-rec-kill-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The child: a worker-like 20 ms tick feeding a stereo 8 kHz tone, reporting each frame written.
const childSource = (recorderUrl: string): string => `
import { Recorder } from ${JSON.stringify(recorderUrl)};
const [file, format, profile, keyHex] = process.argv.slice(2);
const seal = profile ? { profile, key: Buffer.from(keyHex, 'hex'), wrappedKey: Buffer.from('w') } : undefined;
const r = await Recorder.open({ path: file, format, sampleRate: 8000, channels: 2, flushMs: 1000, seal });
const left = new Int16Array(160);
const right = new Int16Array(160);
let t = 0;
let frames = 0;
setInterval(() => {
  for (let i = 0; i < 160; i++, t++) {
    left[i] = Math.round(8000 * Math.sin((2 * Math.PI * 400 * t) / 8000));
    right[i] = Math.round(8000 * Math.sin((2 * Math.PI * 800 * t) / 8000));
  }
  r.write(left, right, 160);
  frames++;
  process.stdout.write('frames ' + frames + '\\n');
}, 20);
`;

/** Runs the child until it reports KILL_AFTER_FRAMES frames, SIGKILLs it, returns the frames it reported. */
async function recordAndKill(format: 'wav' | 'ogg', seal?: { profile: SealProfile; key: Buffer }): Promise<{ file: string; frames: number }> {
  const script = path.join(dir, `child-${format}.mts`);
  const file = path.join(dir, `killed-${seal?.profile ?? 'plain'}.${format}`);
  await writeFile(script, childSource(pathToFileURL(path.join(here, 'index.ts')).href));
  const child = spawn(process.execPath, ['--import', 'tsx', script, file, format, ...(seal ? [seal.profile, seal.key.toString('hex')] : [])], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let frames = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const guard = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await new Promise<void>((resolve) => {
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) frames = Number(line.slice('frames '.length));
      if (frames >= KILL_AFTER_FRAMES && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    child.on('exit', () => resolve());
  });
  clearTimeout(guard);
  assert.ok(frames >= KILL_AFTER_FRAMES, `child wrote only ${frames} frames: ${stderr}`);
  return { file, frames };
}

describe('a recording process killed mid-call', () => {
  for (const format of ['wav', 'ogg'] as const) {
    it(`${format}: the file decodes and lacks at most the last flush (≥ written − 1.1 s)`, async () => {
      const { file, frames } = await recordAndKill(format);
      const written = frames * 0.02;
      const info = await soxi(format === 'wav' ? file : await opusdec(file));
      assert.equal(info.channels, 2);
      assert.ok(info.seconds >= written - 1.1, `${format}: ${info.seconds} s decodable of ${written} s written`);
      // the frame written after the last report is the most the file can hold beyond it
      assert.ok(info.seconds <= written + 0.02 + 1e-9, `${format}: ${info.seconds} s decodable of ${written} s written`);
    });
  }
});

describe('a sealed recording (encryption at rest) killed mid-call', () => {
  for (const profile of ['aes-256-gcm', 'sm4-ctr-hmac-sm3'] as const) {
    for (const format of ['wav', 'ogg'] as const) {
      it(`${profile} ${format}: decrypts and decodes up to the last whole record (≥ written − 1.1 s)`, async () => {
        const key = randomBytes(keyBytes(profile));
        const { file, frames } = await recordAndKill(format, { profile, key });
        const plain = path.join(dir, `unsealed-${profile}.${format}`);
        const { layout } = await unsealFile({ file, key, out: plain });
        assert.equal(layout.finished, false, 'a killed file has no final record');
        const written = frames * 0.02;
        const info = await soxi(format === 'wav' ? plain : await opusdec(plain));
        assert.equal(info.channels, 2);
        assert.ok(info.seconds >= written - 1.1, `${info.seconds} s decodable of ${written} s written`);
        assert.ok(info.seconds <= written + 0.02 + 1e-9, `${info.seconds} s decodable of ${written} s written`);
      });
    }
  }
});
