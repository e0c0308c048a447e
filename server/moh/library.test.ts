// Music-on-hold files: uploads converted once to mono 16-bit 8 kHz (checked by sox, an independent
// reader), the default class's melody made at first start, the class's files joined in name order
// into the playlist the engine loops.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MohLibrary } from './library.js';

const soxInfo = (file: string): string => execFileSync('soxi', [file], { encoding: 'utf8' });
const soxLengthS = (file: string): number => Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());

describe('music-on-hold library', () => {
  let dir: string;
  let lib: MohLibrary;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'hailing-moh-'));
    lib = new MohLibrary({ dir });
    await lib.start();
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('the default class has a tone melody made at first start, and its playlist plays it', async () => {
    const files = await lib.list();
    assert.deepEqual(
      files.map((f) => f.name),
      ['hailing-melody.wav'],
    );
    const playlist = await lib.playlist();
    assert.ok(playlist, 'a playlist exists');
    const info = soxInfo(playlist);
    assert.match(info, /Channels\s*:\s*1/);
    assert.match(info, /Sample Rate\s*:\s*8000/);
    assert.ok(soxLengthS(playlist) > 3, 'the melody lasts a few seconds');
  });

  it('a 44.1 kHz stereo upload (made by sox) is stored as 8 kHz mono 16-bit and joins the playlist after the melody', async () => {
    const src = join(dir, 'source.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', src, 'synth', '2', 'sine', '600', 'vol', '0.5']);
    const added = await lib.add({ name: 'tone-600.wav', bytes: await readFile(src) });
    assert.ok(added.ok, JSON.stringify(added));
    assert.deepEqual(added.source, { sampleRate: 44100, channels: 2 });
    const stored = join(dir, 'default', 'tone-600.wav');
    const info = soxInfo(stored);
    assert.match(info, /Channels\s*:\s*1/);
    assert.match(info, /Sample Rate\s*:\s*8000/);
    assert.match(info, /Precision\s*:\s*16-bit/);
    assert.ok(Math.abs(soxLengthS(stored) - 2) < 0.01, `2 s kept: ${soxLengthS(stored)}`);
    // sox's own frequency estimate of the converted file
    const rough = Number(/Rough\s+frequency:\s+(\d+)/.exec(execFileSync('sh', ['-c', `sox ${stored} -n stat 2>&1`], { encoding: 'utf8' }))?.[1]);
    assert.ok(Math.abs(rough - 600) < 30, `600 Hz after conversion: ${rough}`);
    assert.deepEqual(
      (await lib.list()).map((f) => f.name),
      ['hailing-melody.wav', 'tone-600.wav'],
    );
    const melody = soxLengthS(join(dir, 'default', 'hailing-melody.wav'));
    assert.ok(Math.abs(soxLengthS((await lib.playlist())!) - (melody + 2)) < 0.01, 'the playlist is both files in turn');
  });

  it('refuses what is not a WAV file (415) and names that could be paths (400)', async () => {
    const notWav = await lib.add({ name: 'x.wav', bytes: new TextEncoder().encode('ID3 not a wave file at all') });
    assert.equal(notWav.ok ? 0 : notWav.status, 415);
    const path = await lib.add({ name: '../escape.wav', bytes: new Uint8Array(64) });
    assert.equal(path.ok ? 0 : path.status, 400);
    assert.equal(await lib.remove({ name: '../hailing-melody.wav' }), false);
  });

  it('removing every file leaves no playlist (silence), and a restart does not bring the melody back', async () => {
    assert.equal(await lib.remove({ name: 'hailing-melody.wav' }), true);
    assert.equal(await lib.remove({ name: 'tone-600.wav' }), true);
    assert.equal(await lib.playlist(), undefined);
    await new MohLibrary({ dir }).start();
    assert.deepEqual(await lib.list(), []);
  });
});
