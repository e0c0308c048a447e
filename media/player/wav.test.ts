// Every fixture is written by sox, and the expected samples are sox's own decoding of the same file
// (`sox -D FILE -t s16 -c 1 out.raw`: mono mixdown, no dither); lengths come from `soxi -s`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseWav } from './wav.js';
import { decodePrompt } from './loader.js';
import { readRaw, sox, soxPeakHz, tempDir } from './testing.js';

const dir = tempDir();
after(() => dir.remove());

/** a sox-made WAV, and sox's mono 16-bit decoding of it */
function fixture(name: string, args: readonly string[], synth: readonly string[]): { bytes: Uint8Array; expected: Int16Array; frames: number } {
  const wav = dir.file(`${name}.wav`);
  const raw = dir.file(`${name}.raw`);
  sox(['-n', ...args, wav, 'synth', ...synth]);
  sox(['-D', wav, '-t', 's16', '-c', '1', raw]);
  const frames = Number(execFileSync('soxi', ['-s', wav], { encoding: 'utf8' }).trim());
  return { bytes: new Uint8Array(readFileSync(wav)), expected: readRaw(raw), frames };
}

function assertSamples(got: Int16Array, expected: Int16Array, tolerance: number): void {
  assert.equal(got.length, expected.length);
  let worst = 0;
  for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - expected[i]!));
  assert.ok(worst <= tolerance, `differs from sox by up to ${worst}`);
}

const ENCODINGS: ReadonlyArray<{ name: string; args: readonly string[]; exact: boolean }> = [
  { name: '16-bit', args: ['-b', '16', '-e', 'signed-integer'], exact: true },
  { name: '8-bit unsigned', args: ['-b', '8', '-e', 'unsigned-integer'], exact: true },
  { name: 'µ-law', args: ['-e', 'u-law'], exact: true },
  { name: 'A-law', args: ['-e', 'a-law'], exact: true },
  // sox writes these as WAVE_FORMAT_EXTENSIBLE.
  { name: '24-bit', args: ['-b', '24', '-e', 'signed-integer'], exact: false },
  { name: '32-bit', args: ['-b', '32', '-e', 'signed-integer'], exact: false },
  { name: '32-bit float', args: ['-b', '32', '-e', 'floating-point'], exact: false },
  { name: '64-bit float', args: ['-b', '64', '-e', 'floating-point'], exact: false },
];

describe('parseWav: formats sox writes', () => {
  for (const enc of ENCODINGS) {
    it(`${enc.name} stereo at 44.1 kHz decodes and downmixes as sox does`, () => {
      const f = fixture(`st-${enc.name.replace(/\W/g, '')}`, ['-r', '44100', '-c', '2', ...enc.args], ['0.5', 'sine', '440', 'sine', '660']);
      const r = parseWav(f.bytes);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
      assert.equal(r.sampleRate, 44100);
      assert.equal(r.channels, 2);
      assert.equal(r.samples.length, f.frames);
      // Rounding of the average of two wide samples may land one step apart.
      assertSamples(r.samples, f.expected, enc.exact ? 0 : 1);
    });
  }

  it('mono 16-bit at 8 kHz is the data chunk as it is', () => {
    const f = fixture('mono8k', ['-r', '8000', '-c', '1', '-b', '16'], ['1', 'sine', '400']);
    const r = parseWav(f.bytes);
    assert.ok(r.ok);
    assert.equal(r.channels, 1);
    assertSamples(r.samples, f.expected, 0);
  });

  it('four channels (WAVE_FORMAT_EXTENSIBLE) are averaged', () => {
    const f = fixture('quad', ['-r', '16000', '-c', '4', '-b', '16'], ['0.2', 'sine', '300', 'sine', '500', 'sine', '700', 'sine', '900']);
    const r = parseWav(f.bytes);
    assert.ok(r.ok);
    assert.equal(r.channels, 4);
    assertSamples(r.samples, f.expected, 1);
  });

  it('IMA ADPCM is reported unsupported, not misread', () => {
    const wav = dir.file('adpcm.wav');
    sox(['-n', '-r', '8000', '-c', '1', '-e', 'ima-adpcm', wav, 'synth', '0.2', 'sine', '400']);
    const r = parseWav(new Uint8Array(readFileSync(wav)));
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'unsupported-format');
  });
});

describe('parseWav: chunks', () => {
  const f = fixture('chunks', ['-r', '8000', '-c', '1', '-b', '8', '-e', 'unsigned-integer'], ['0.1001', 'sine', '400']);

  it('skips a LIST chunk of odd size and its pad byte before the data', () => {
    const b = f.bytes;
    const dataAt = findChunk(b, 'data');
    const list = new Uint8Array([...ascii('LIST'), 5, 0, 0, 0, ...ascii('INFO'), 0x41, 0 /* pad */]);
    const spliced = new Uint8Array([...b.subarray(0, dataAt), ...list, ...b.subarray(dataAt)]);
    const r = parseWav(spliced);
    assert.ok(r.ok);
    assertSamples(r.samples, f.expected, 0);
  });

  it('a file cut inside the data keeps the whole frames that are there', () => {
    const dataAt = findChunk(f.bytes, 'data') + 8;
    for (const keep of [0, 1, 7, 300]) {
      const r = parseWav(f.bytes.subarray(0, dataAt + keep));
      assert.ok(r.ok);
      assertSamples(r.samples, f.expected.subarray(0, keep), 0);
    }
  });

  it('a file cut before its data, or not a WAVE, is an error value', () => {
    const dataAt = findChunk(f.bytes, 'data');
    const cases: Array<[Uint8Array, string]> = [
      [f.bytes.subarray(0, 8), 'too-short'],
      [f.bytes.subarray(0, 12), 'no-fmt'],
      [f.bytes.subarray(0, 20), 'bad-fmt'],
      [f.bytes.subarray(0, 30), 'bad-fmt'],
      [f.bytes.subarray(0, dataAt), 'no-data'],
      [new Uint8Array([...ascii('RIFX'), ...f.bytes.subarray(4)]), 'not-riff'],
      [new Uint8Array([...f.bytes.subarray(0, 8), ...ascii('AVI '), ...f.bytes.subarray(12)]), 'not-wave'],
    ];
    for (const [bytes, code] of cases) {
      const r = parseWav(bytes);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.code, code);
    }
  });

  it('never throws on truncated or mutated files (fuzz)', () => {
    const sources = [f.bytes, fixture('fz24', ['-r', '48000', '-c', '2', '-b', '24'], ['0.01', 'sine', '1000']).bytes, fixture('fzul', ['-r', '8000', '-e', 'u-law'], ['0.01', 'sine', '1000']).bytes];
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.nat(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (src, cut, flips) => {
          const bytes = src.slice(0, cut % (src.length + 1));
          for (const [at, v] of flips) if (bytes.length) bytes[at % bytes.length] = v;
          const r = parseWav(bytes);
          if (r.ok) assert.ok(r.samples.length <= bytes.length);
          else assert.equal(typeof r.error.code, 'string');
        },
      ),
      { numRuns: 2000 },
    );
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => void parseWav(bytes)));
  });
});

describe('decodePrompt: WAV prompts at any rate into session rates', () => {
  const files = [
    { name: 'cd', args: ['-r', '44100', '-c', '2', '-b', '16'], hz: 440 },
    { name: 'ulaw', args: ['-r', '8000', '-c', '1', '-e', 'u-law'], hz: 440 },
    { name: 'alaw', args: ['-r', '8000', '-c', '1', '-e', 'a-law'], hz: 440 },
    { name: 'wide', args: ['-r', '22050', '-c', '1', '-b', '24'], hz: 440 },
    { name: 'float', args: ['-r', '11025', '-c', '2', '-b', '32', '-e', 'floating-point'], hz: 440 },
  ];
  for (const file of files) {
    it(`${file.name} (${file.args.join(' ')}) keeps its ${file.hz} Hz tone and its duration at 8/16/48 kHz`, () => {
      const f = fixture(`p-${file.name}`, file.args, ['1', 'sine', String(file.hz)]);
      const fileRate = Number(file.args[1]);
      for (const rate of [8000, 16000, 48000]) {
        const r = decodePrompt({ bytes: f.bytes, sampleRate: rate });
        assert.ok(r.ok);
        assert.equal(r.prompt.sampleRate, rate);
        assert.equal(r.prompt.samples.length, Math.ceil((f.frames * rate) / fileRate));
        // 4096-point DFT: bins rate/4096 apart.
        const peak = soxPeakHz({ dir, samples: r.prompt.samples, rate, trimS: 0.05 });
        assert.ok(Math.abs(peak - file.hz) <= rate / 4096, `${rate}: peak at ${peak} Hz`);
      }
    });
  }
});

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** offset of a top-level chunk header in a sox-written file (test fixture navigation) */
function findChunk(b: Uint8Array, id: string): number {
  const want = ascii(id);
  for (let i = 12; i + 4 <= b.length; i++) if (want.every((c, k) => b[i + k] === c)) return i;
  throw new Error(`no ${id} chunk`);
}
