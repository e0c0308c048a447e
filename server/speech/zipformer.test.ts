// sherpa-onnx's zipformer streaming transducers loaded for real by the speech process: zipformer2
// (the manifest's streaming-zipformer-en-2023-06-26 and kws-zipformer-*) and the first zipformer
// (model_type zipformer: streaming-zipformer-bilingual-zh-en-2023-02-20), through the contract
// fixtures test/fixtures/speech/digits-zipformer2 and digits-zipformer (digits-transducer's weights
// under each type's inputs, outputs, states and metadata; scripts/speech-fixtures/make_zipformer.py). Digit strings by
// held-out espeak-ng voices through sox's G.711 go in as 20 ms PCM socket records; the OnlineRecognizer
// gives the digits and the KeywordSpotter a hit. A folder laid out as sherpa-onnx's release archives
// (encoder-epoch-99-avg-1.onnx and its int8 copy …) loads too, its type found from files + metadata.
// An encoder missing any metadata key sherpa-onnx reads (it would exit()) or with inconsistent values
// is refused naming the key, and the speech process stays up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../sip/index.js';
import { readOnnxHeader } from './check/onnx-metadata.js';
import { ZIPFORMER_LIST_KEYS, ZIPFORMER_NUMBER_KEYS, type ZipformerType } from './check/zipformer-check.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechStreams, type StreamEvent } from './streams.js';
import { SpeechProcess } from './supervisor.js';
import { espeak, resampled, throughG711 } from './testing/audio.js';
import { digitErrors } from './testing/digits.js';
import { feedStream } from './testing/feed.js';
import { withMetadata } from './testing/onnx-build.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../../test/fixtures/speech/${name}`, import.meta.url));
const TYPES: readonly { type: ZipformerType; model: string }[] = [
  { type: 'zipformer2', model: fixture('digits-zipformer2') },
  { type: 'zipformer', model: fixture('digits-zipformer') },
];
const silence = (ms: number): Int16Array => new Int16Array(8 * ms);
type Final = Extract<StreamEvent, { event: 'asr-final' }>;

for (const { type, model: MODEL } of TYPES) describe(`${type} streaming transducer in the speech process (contract fixture ${MODEL.split('/').pop()})`, () => {
  let root: string;
  let speech: SpeechProcess;
  before(() => {
    root = mkdtempSync(join(tmpdir(), `hailing-${type}-`));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  /** a copy of the fixture whose encoder has `edit` applied to its metadata */
  async function variant(name: string, edit: (meta: Record<string, string>) => void): Promise<string> {
    const dir = join(root, name);
    mkdirSync(dir);
    for (const f of ['decoder.onnx', 'joiner.onnx', 'tokens.txt']) copyFileSync(join(MODEL, f), join(dir, f));
    const encoder = join(MODEL, 'encoder.onnx');
    const meta = { ...(await readOnnxHeader({ path: encoder })).metadata };
    edit(meta);
    writeFileSync(join(dir, 'encoder.onnx'), withMetadata(readFileSync(encoder), meta));
    return dir;
  }

  it(`is loaded as ${type} and recognises two digit strings by held-out voices; a keyword said is spotted, another not`, { timeout: 120_000 }, async (t) => {
    const loaded = await speech.request({ op: 'load-recognizer', name: 'z2', dir: MODEL });
    assert.deepEqual(loaded, { op: 'load-recognizer', sampleRate: 8000, featureDim: 23, vocabSize: 11, modelType: type, streaming: true });
    const streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'z2', dir: MODEL }) });
    const first = espeak({ text: '4 8 2 1 5', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '9 0 3 7', voice: 'en-gb-scotland+m3', rate: 8000 });
    const pcm = throughG711(Int16Array.from([silence(700), first, silence(2000), second, silence(1500)].flatMap((p) => [...p])));
    const events = await feedStream(streams, pcm, ['4 8', '6 6']);
    for (const e of events) if (e.event !== 'vad-start' && e.event !== 'vad-end') t.diagnostic(JSON.stringify(e));
    const finals = events.filter((e): e is Final => e.event === 'asr-final');
    assert.equal(finals.length, 2, JSON.stringify(finals));
    const [a, b] = finals as [Final, Final];
    assert.ok(digitErrors('48215', a.text) <= 1, `first: "${a.text}"`);
    assert.ok(digitErrors('9037', b.text) <= 1, `second: "${b.text}"`);
    assert.ok(a.startMs >= 700 && a.endMs <= 700 + first.length / 8 + 400, `first at ${a.startMs}–${a.endMs}`);
    const hits = events.filter((e) => e.event === 'kws-hit');
    assert.deepEqual(hits.map((h) => h.keyword), ['4 8'], JSON.stringify(hits));
  });

  it('a 16 kHz leg on this 8 kHz model is resampled by sherpa-onnx\'s stream (as an 8 kHz leg is for a real 16 kHz model)', { timeout: 120_000 }, async (t) => {
    const streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'z2', dir: MODEL }) });
    const speech8k = throughG711(Int16Array.from([silence(700), espeak({ text: '6 2 7 3 1', voice: 'en-us+m3', rate: 8000 }), silence(1500)].flatMap((p) => [...p])));
    const events = await feedStream(streams, resampled(speech8k, 8000, 16000), [], 16000);
    const finals = events.filter((e): e is Final => e.event === 'asr-final');
    t.diagnostic(JSON.stringify(finals));
    assert.equal(finals.length, 1, JSON.stringify(finals));
    assert.ok(digitErrors('62731', finals[0]!.text) <= 1, `"${finals[0]!.text}"`);
    // times are the stream's own (ms of the 16 kHz audio), the digits start after 700 ms of silence
    assert.ok(finals[0]!.startMs >= 700, JSON.stringify(finals[0]));
  });

  it("loads from a folder laid out as sherpa-onnx's release archives (epoch-named files, int8 copies, extra files)", async () => {
    const dir = join(root, 'release-layout');
    mkdirSync(join(dir, 'test_wavs'), { recursive: true });
    for (const role of ['encoder', 'decoder', 'joiner']) {
      for (const suffix of ['-epoch-99-avg-1.onnx', '-epoch-99-avg-1.int8.onnx']) copyFileSync(join(MODEL, `${role}.onnx`), join(dir, `${role}${suffix}`));
    }
    copyFileSync(join(MODEL, 'tokens.txt'), join(dir, 'tokens.txt'));
    writeFileSync(join(dir, 'README.md'), 'release notes\n');
    const loaded = await speech.request({ op: 'load-recognizer', name: 'z2-release', dir });
    assert.equal(loaded.op === 'load-recognizer' && loaded.modelType, type);
  });

  it('an encoder without any one metadata key sherpa-onnx reads is refused naming that key; the process stays up', async () => {
    for (const key of [...ZIPFORMER_LIST_KEYS[type], ...ZIPFORMER_NUMBER_KEYS]) {
      const dir = await variant(`no-${key}`, (m) => delete m[key]);
      await assert.rejects(speech.request({ op: 'load-recognizer', name: `no-${key}`, dir }), (err: Error) => /is refused before loading/.test(err.message) && err.message.includes(`'${key}'`), key);
    }
    assert.equal((await speech.request({ op: 'ping' })).op, 'ping');
  });

  it('inconsistent metadata is refused with the reason: lists of different lengths, a non-number, layers that do not match the inputs', async () => {
    const cases: { name: string; edit: (m: Record<string, string>) => void; reason: RegExp }[] = [
      { name: 'short-list', edit: (m) => (m.encoder_dims = '4,4'), reason: /1 value\(s\) in '\w+' but 2 in 'encoder_dims'/ },
      { name: 'not-number', edit: (m) => (m.cnn_module_kernels = 'four'), reason: /'cnn_module_kernels' = 'four'/ },
      {
        // two stacks (zipformer2: two layers) where the graph has one: 15 inputs implied
        name: 'two-stacks',
        edit: (m) => ZIPFORMER_LIST_KEYS[type].forEach((k) => (m[k] = `${m[k]},${m[k]}`)),
        reason: type === 'zipformer2' ? /encoder\.onnx has 9 inputs but its metadata implies 15/ : /encoder\.onnx has 8 inputs but its metadata implies 15/,
      },
      { name: 'short-T', edit: (m) => (m.T = '16'), reason: /T 16 below decode_chunk_len 32/ },
    ];
    for (const c of cases) {
      const dir = await variant(c.name, c.edit);
      await assert.rejects(speech.request({ op: 'load-recognizer', name: c.name, dir }), (err: Error) => /is refused before loading/.test(err.message) && c.reason.test(err.message), c.name);
    }
    assert.equal((await speech.request({ op: 'ping' })).op, 'ping');
  });
});
