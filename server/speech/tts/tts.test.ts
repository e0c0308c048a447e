import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { espeak, flite, rmsDbfs } from '../testing/audio.js';
import { EspeakTts } from './espeak.js';
import { FliteTts } from './flite.js';
import { hanziToPinyin } from './hanzi-pinyin.js';
import { TtsPrompts } from './prompt-cache.js';
import { TtsError } from './tts.js';
import { SherpaVoiceTts } from './sherpa-voice.js';

/** what sox says of a WAV (an independent reader): rate, samples */
function soxInfo(file: string): { rate: number; samples: number } {
  const rate = Number(execFileSync('soxi', ['-r', file]).toString().trim());
  const samples = Number(execFileSync('soxi', ['-s', file]).toString().trim());
  return { rate, samples };
}

describe('TTS: espeak-ng and flite behind the TTS interface', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hailing-tts-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const rate of [8000, 16000] as const) {
    // the zh prompt is Hanzi; espeak-ng's reference is the pinyin a Mandarin speaker reads it as
    for (const [engine, voice, text, reference] of [
      ['espeak-ng', 'en', 'Thank you for calling. Please hold.', () => espeak({ text: 'Thank you for calling. Please hold.', voice: 'en-us', rate })],
      ['espeak-ng', 'zh-pinyin', 'xie4 xie4 nin2 de5 lai2 dian4', () => espeak({ text: 'xie4 xie4 nin2 de5 lai2 dian4', voice: 'cmn-latn-pinyin', rate })],
      ['espeak-ng', 'zh', '谢谢您的来电', () => espeak({ text: 'xie4 xie4 nin2 de5 lai2 dian4', voice: 'cmn-latn-pinyin', rate })],
      ['flite', 'en', 'Thank you for calling. Please hold.', () => flite({ text: 'Thank you for calling. Please hold.', voice: 'rms', rate })],
    ] as const) {
      it(`a ${voice} prompt by ${engine} at ${rate} Hz has the length and energy of the program's own rendering (resampled by sox)`, async () => {
        const prompts = new TtsPrompts({ dir, engines: [engine === 'flite' ? new FliteTts() : new EspeakTts()] });
        const file = await prompts.promptFile({ text, voice, rate });
        const info = soxInfo(file);
        assert.equal(info.rate, rate);
        const ref = reference();
        // resamplers differ in their edges by a few samples at most
        assert.ok(Math.abs(info.samples - ref.length) <= 4, `${info.samples} samples, ${engine}+sox ${ref.length}`);
        assert.ok(info.samples / rate > 0.8, 'at least 0.8 s of speech');
        const bytes = readFileSync(file);
        const ours = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + bytes.length));
        assert.ok(Math.abs(rmsDbfs(ours) - rmsDbfs(ref)) <= 1, `RMS ${rmsDbfs(ours).toFixed(1)} dBFS vs ${rmsDbfs(ref).toFixed(1)}`);
        assert.ok(rmsDbfs(ours) > -35, 'speech, not silence');
      });
    }
  }

  it('caches prompts by text+voice+rate: the same request is synthesised once, a different rate again', async () => {
    const prompts = new TtsPrompts({ dir: join(dir, 'cache'), engines: [new EspeakTts()] });
    const a = await prompts.promptFile({ text: 'one moment', rate: 8000 });
    const [b, c] = await Promise.all([prompts.promptFile({ text: 'one moment', rate: 8000 }), prompts.promptFile({ text: 'one moment', rate: 8000 })]);
    assert.equal(a, b);
    assert.equal(a, c);
    const d = await prompts.promptFile({ text: 'one moment', rate: 16000 });
    assert.notEqual(a, d);
    assert.deepEqual(prompts.stats, { hits: 2, misses: 2 });
  });

  it('a transient prompt is not cached: a file of its own each time, the cache untouched', async () => {
    const prompts = new TtsPrompts({ dir: join(dir, 'transient'), engines: [new EspeakTts()] });
    const a = await prompts.promptFile({ text: 'you keyed 4 1 1 1', rate: 8000, transient: true });
    const b = await prompts.promptFile({ text: 'you keyed 4 1 1 1', rate: 8000, transient: true });
    assert.notEqual(a, b);
    assert.equal(soxInfo(a).rate, 8000);
    assert.ok(soxInfo(a).samples > 4000);
    assert.deepEqual(prompts.stats, { hits: 0, misses: 0 });
    const cached = await prompts.promptFile({ text: 'you keyed 4 1 1 1', rate: 8000 });
    assert.ok(cached !== a && cached !== b);
  });

  it('Hanzi become tone-numbered pinyin read in context (neutral tone 5, full-width punctuation made ASCII, digits kept)', () => {
    assert.equal(hanziToPinyin('谢谢您的来电'), 'xie4 xie4 nin2 de5 lai2 dian4');
    assert.equal(hanziToPinyin('欢迎致电海灵银行。'), 'huan1 ying2 zhi4 dian4 hai3 ling2 yin2 hang2 .');
    assert.equal(hanziToPinyin('您的余额是125元，请按1。'), 'nin2 de5 yu2 e2 shi4 125 yuan2 , qing3 an4 1 .');
    assert.equal(hanziToPinyin('绿色'), 'lv4 se4');
  });

  it('each voice is listed once, with the engine that speaks it: flite before espeak-ng takes en', () => {
    const prompts = new TtsPrompts({ dir, engines: [new FliteTts(), new EspeakTts()] });
    const voices = prompts.voices();
    assert.deepEqual(voices.filter((v) => v.voice === 'en'), [{ voice: 'en', engine: 'flite' }]);
    assert.ok(voices.some((v) => v.voice === 'zh' && v.engine === 'espeak-ng'));
    assert.equal(new Set(voices.map((v) => v.voice)).size, voices.length);
  });

  it('an unknown voice is refused by name, listing the voices there are', async () => {
    const prompts = new TtsPrompts({ dir, engines: [new EspeakTts()] });
    await assert.rejects(prompts.promptFile({ text: 'x', voice: 'klingon', rate: 8000 }), (err: unknown) => err instanceof TtsError && err.code === 'unknown-voice');
    await assert.rejects(new EspeakTts({ program: '/nonexistent/espeak-ng' }).synthesize({ text: 'x', rate: 8000 }), (err: unknown) => err instanceof TtsError && err.code === 'engine-missing');
    await assert.rejects(new FliteTts({ program: '/nonexistent/flite' }).synthesize({ text: 'x', rate: 8000 }), (err: unknown) => err instanceof TtsError && err.code === 'engine-missing');
    assert.equal(FliteTts.available('/nonexistent/flite'), false);
  });
});

describe('TTS: a sherpa-onnx voice behind the same interface', () => {
  it('loads the voice once (checked), converts float samples and resamples 16 kHz to 8 kHz; a failed load is retried', async () => {
    const calls: string[] = [];
    let failLoad = true;
    const second = new Float32Array(16000).map((_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 16000));
    const speech = {
      request: async (req: { op: string; check?: boolean }) => {
        calls.push(`${req.op}${req.check === true ? ' checked' : ''}`);
        if (req.op === 'load-voice') {
          if (failLoad) {
            failLoad = false;
            throw new Error("model.onnx has no 'sample_rate' in its ONNX metadata");
          }
          return { op: 'load-voice' as const, sampleRate: 16000 };
        }
        return { op: 'synthesize' as const, sampleRate: 16000, samples: second };
      },
    };
    const tts = new SherpaVoiceTts({ speech, voice: 'en-amy', dir: '/models/vits-piper-en_US-amy-low' });
    await assert.rejects(tts.synthesize({ text: 'hi', rate: 8000 }), /sample_rate/);
    const pcm = await tts.synthesize({ text: 'hi', rate: 8000 });
    await tts.synthesize({ text: 'again', rate: 8000 });
    assert.equal(pcm.length, 8000);
    assert.ok(Math.abs(rmsDbfs(pcm) - 20 * Math.log10(0.5 / Math.SQRT2)) < 0.5, `RMS ${rmsDbfs(pcm)}`);
    assert.deepEqual(calls, ['load-voice checked', 'load-voice checked', 'synthesize', 'synthesize']);
  });
});
