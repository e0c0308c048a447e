// Files made by independent tools (sox for WAV, opusenc for Ogg/Opus), whose lengths the tools set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oggOpusDurationMs, recordingDurationMs, wavDurationMs } from './recording-file.js';

const has = (tool: string): boolean => {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

describe('recordingDurationMs: the length a recording file states', { skip: !has('sox') || !has('opusenc') }, () => {
  let dir: string;
  let wav: string;
  let ogg: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hailing-recording-file-'));
    wav = join(dir, 'x.wav');
    ogg = join(dir, 'x.ogg');
    // 3 s of stereo 16-bit at 8 kHz: 96,000 bytes of data at 32,000 bytes a second
    execFileSync('sox', ['-n', '-r', '8000', '-c', '2', '-b', '16', wav, 'synth', '3', 'sine', '400']);
    execFileSync('opusenc', ['--quiet', wav, ogg]);
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it('WAV from sox: data size / byte rate', async () => {
    assert.equal(await recordingDurationMs({ path: wav, format: 'wav' }), 3000);
  });

  it('Ogg/Opus from opusenc: (last granule − pre-skip) / 48', async () => {
    assert.equal(await recordingDurationMs({ path: ogg, format: 'ogg' }), 3000);
  });

  it('a WAV whose header claims more than the file holds (cut after the header was rewritten) counts what is there', () => {
    const bytes = readFileSync(wav);
    const cut = bytes.subarray(0, 44 + 32_000); // the header and one second of data
    assert.equal(wavDurationMs(cut, cut.length), 1000);
  });

  it('a WAV whose sizes are still 0 (killed before the first flush) is 0 ms long', () => {
    const bytes = Buffer.from(readFileSync(wav));
    bytes.writeUInt32LE(0, 40);
    assert.equal(wavDurationMs(bytes, bytes.length), 0);
  });

  it('an Ogg file cut inside its last page falls back to the page before', () => {
    const bytes = readFileSync(ogg);
    const cut = bytes.subarray(0, bytes.length - 10);
    const ms = oggOpusDurationMs(cut, cut.subarray(Math.max(0, cut.length - 65_307)));
    assert.ok(ms !== null && ms > 0 && ms < 3000, `${ms}`);
  });

  it('a missing file, a foreign file or the wrong format gives null', async () => {
    assert.equal(await recordingDurationMs({ path: join(dir, 'none.wav'), format: 'wav' }), null);
    const text = join(dir, 'text.wav');
    writeFileSync(text, 'not a recording at all');
    assert.equal(await recordingDurationMs({ path: text, format: 'wav' }), null);
    assert.equal(await recordingDurationMs({ path: wav, format: 'ogg' }), null);
    assert.equal(await recordingDurationMs({ path: ogg, format: 'wav' }), null);
  });
});
