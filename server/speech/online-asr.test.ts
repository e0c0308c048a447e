// Streaming recognition and keyword spotting in the speech process (worker/online-stream-asr.ts)
// with the fixture streaming transducer (test/fixtures/speech/digits-transducer, sherpa-onnx's `lstm`
// contract, trained by scripts/speech-fixtures/train_streaming.py). Digit strings spoken by held-out
// espeak-ng voices through G.711 are written to the PCM socket in 20 ms records, as a media worker's
// tap writes them; partials come while the speech goes on, a final at each of sherpa-onnx's
// endpoints, and a keyword of the stream's list is spotted where it was said, another one not.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../sip/index.js';
import { SpeechProcess } from './supervisor.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechStreams, type StreamEvent } from './streams.js';
import { espeak, throughG711 } from './testing/audio.js';
import { digitErrors } from './testing/digits.js';
import { feedStream } from './testing/feed.js';
import { identityOnnx } from './testing/onnx-build.js';

export const STREAMING_MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-transducer', import.meta.url));
const OFFLINE_MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-tdnn', import.meta.url));
const silence = (ms: number): Int16Array => new Int16Array(8 * ms);
type Final = Extract<StreamEvent, { event: 'asr-final' }>;

describe('streaming ASR and keyword spotting in the speech process (fixture streaming transducer)', () => {
  let root: string;
  let speech: SpeechProcess;
  let streams: SpeechStreams;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-online-asr-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'digits-stream', dir: STREAMING_MODEL }) });
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('two utterances: partials as the text grows, one final each at an endpoint, the keyword said is spotted and the other not', { timeout: 120_000 }, async (t) => {
    const first = espeak({ text: '4 8 2 1 5', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '9 0 3 7', voice: 'en-gb-scotland+m3', rate: 8000 });
    const secondAt = 700 + first.length / 8 + 2000;
    const pcm = throughG711(Int16Array.from([silence(700), first, silence(2000), second, silence(1500)].flatMap((p) => [...p])));
    const events = await feedStream(streams, pcm, ['4 8', '6 6']);
    for (const e of events) if (e.event !== 'vad-start' && e.event !== 'vad-end') t.diagnostic(JSON.stringify(e));
    assert.ok(!events.some((e) => e.event === 'stream-dropped'), JSON.stringify(events));
    const finals = events.filter((e): e is Final => e.event === 'asr-final');
    assert.equal(finals.length, 2, JSON.stringify(finals));
    const [a, b] = finals as [Final, Final];
    assert.ok(digitErrors('48215', a.text.replace(/ /g, '')) <= 1, `first: "${a.text}"`);
    assert.ok(digitErrors('9037', b.text.replace(/ /g, '')) <= 1, `second: "${b.text}"`);
    // token times fall inside each utterance (the first token is emitted within its digit)
    assert.ok(a.startMs >= 700 && a.endMs <= 700 + first.length / 8 + 400, `first at ${a.startMs}–${a.endMs}`);
    assert.ok(b.startMs >= secondAt && b.endMs <= secondAt + second.length / 8 + 400, `second at ${b.startMs}–${b.endMs} (put at ${secondAt})`);
    // partials come before their final, growing with the speech
    const partials = events.filter((e) => e.event === 'asr-partial');
    const before = partials.filter((p) => events.indexOf(p) < events.indexOf(a));
    assert.ok(before.length >= 2, JSON.stringify(partials));
    assert.ok(a.text.startsWith(before[0]!.text) || digitErrors(a.text, before[0]!.text) <= 1, JSON.stringify(before));
    // keyword spotting: '4 8' said once, in the first utterance; '6 6' never
    const hits = events.filter((e) => e.event === 'kws-hit');
    assert.deepEqual(hits.map((h) => h.keyword), ['4 8'], JSON.stringify(hits));
    const hit = hits[0] as Extract<StreamEvent, { event: 'kws-hit' }>;
    assert.ok(hit.atMs >= 700 && hit.atMs <= 700 + first.length / 8, `hit at ${hit.atMs}`);
  });

  it('a keyword the model cannot spell is refused, naming it; keywords on an offline recogniser are refused', async () => {
    await assert.rejects(streams.open({ partialEveryMs: 0, keywords: ['4 8', 'four eight'], onEvent: () => undefined }), /keyword 'four eight': 'four' is not a token/);
    const offline = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'digits', dir: OFFLINE_MODEL }) });
    await assert.rejects(offline.open({ partialEveryMs: 0, keywords: ['4 8'], onEvent: () => undefined }), /keywords need a streaming transducer/);
  });

  it('a streaming model whose tokens.txt disagrees with its decoder is refused before sherpa-onnx loads it; the process stays up', async () => {
    const dir = join(root, 'short-tokens');
    mkdirSync(dir);
    for (const f of ['encoder.onnx', 'decoder.onnx', 'joiner.onnx']) copyFileSync(join(STREAMING_MODEL, f), join(dir, f));
    writeFileSync(join(dir, 'tokens.txt'), '<blk> 0\n0 1\n1 2\n');
    const bad = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'short', dir }) });
    await assert.rejects(bad.open({ partialEveryMs: 0, onEvent: () => undefined }), /tokens\.txt holds 3 symbols but the decoder's vocab_size is 11/);
    const r = await speech.request({ op: 'ping' });
    assert.equal(r.op, 'ping');
  });

  it('an encoder without a key sherpa-onnx\'s lstm model reads (it would exit()), or of a streaming type not supported yet, is refused naming it', async () => {
    const lstm = { model_type: 'lstm', T: '68', decode_chunk_len: '32', num_encoder_layers: '40', d_model: '23' };
    const cases = [
      { name: 'no-rnn-hidden', encoder: lstm, reason: /no whole number 'rnn_hidden_size'/ },
      { name: 'conformer', encoder: { ...lstm, model_type: 'conformer', rnn_hidden_size: '1' }, reason: /model_type 'conformer': sherpa-onnx's conformer streaming transducer is not supported yet/ },
    ];
    for (const c of cases) {
      const dir = join(root, c.name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'encoder.onnx'), identityOnnx({ metadata: c.encoder }));
      for (const f of ['decoder.onnx', 'joiner.onnx', 'tokens.txt']) copyFileSync(join(STREAMING_MODEL, f), join(dir, f));
      const bad = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: c.name, dir }) });
      await assert.rejects(bad.open({ partialEveryMs: 0, onEvent: () => undefined }), c.reason);
    }
    assert.equal((await speech.request({ op: 'ping' })).op, 'ping');
  });
});
