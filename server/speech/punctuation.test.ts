// Punctuation with the fixture CT-transformer (test/fixtures/speech/punct-ct, trained by
// scripts/speech-fixtures/train_punct.py on synthetic call-centre sentences) through sherpa-onnx's
// OfflinePunctuation in the speech process. The held-out sentences (heldout.txt) are built from
// frames, actions and pairings that training never saw; the test strips their punctuation and
// measures how much of it the model puts back.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskPii } from '../security/pii.js';
import { silentLogger } from '../sip/index.js';
import { SherpaPunctuator } from './punctuator.js';
import { tidyPunctuated } from './punctuation-text.js';
import { SpeechProcess } from './supervisor.js';
import { identityOnnx, withMetadata } from './testing/onnx-build.js';

export const PUNCT_MODEL = fileURLToPath(new URL('../../test/fixtures/speech/punct-ct', import.meta.url));
/** the bounds this test holds the fixture to (its README gives the measured figures) */
const MIN_TOKEN_ACCURACY = 0.9;
const MIN_MARK_F1 = 0.7;

const MARK = /[，。？、,.?]/;
const TOKEN = /[A-Za-z0-9']+|[，。？、,.?]|[^\sA-Za-z0-9'，。？、,.?]/g;
const ascii = (t: string): boolean => /^[A-Za-z0-9']+$/.test(t);
/** ASCII marks (what tidyPunctuated writes after English words) as the model's own */
const NATIVE: Readonly<Record<string, string>> = { ',': '，', '.': '。', '?': '？' };

/** tokens as sherpa-onnx splits them, each with the mark that follows it ('' for none) */
function labelled(text: string): { tokens: string[]; marks: string[] } {
  const tokens: string[] = [];
  const marks: string[] = [];
  for (const t of text.match(TOKEN) ?? []) {
    if (!MARK.test(t)) {
      tokens.push(t.toLowerCase());
      marks.push('');
      continue;
    }
    const last = tokens.length - 1;
    // after an English word, 、 and ， both become ',' (punctuation-text.ts): count them as one
    const native = NATIVE[t] ?? t;
    if (last >= 0) marks[last] = native === '、' && ascii(tokens[last]!) ? '，' : native;
  }
  return { tokens, marks };
}

/** the text as a recogniser gives it: no marks, English words spaced */
function unpunctuated(text: string): string {
  const { tokens } = labelled(text);
  return tokens.map((t, i) => (i > 0 && ascii(t) && ascii(tokens[i - 1]!) ? ` ${t}` : t)).join('');
}

describe('punctuation: the fixture CT-transformer through sherpa-onnx in the speech process', () => {
  let root: string;
  let speech: SpeechProcess;
  let punctuator: SherpaPunctuator;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-punct-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    await speech.start();
    punctuator = new SherpaPunctuator({ speech, name: 'punct-ct', dir: PUNCT_MODEL });
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it(`restores the punctuation of held-out sentences (token accuracy ≥ ${MIN_TOKEN_ACCURACY * 100} %, mark F1 ≥ ${MIN_MARK_F1})`, { timeout: 120_000 }, async (t) => {
    const lines = readFileSync(join(PUNCT_MODEL, 'heldout.txt'), 'utf8').split('\n').filter((l) => l !== '');
    let right = 0;
    let total = 0;
    let hits = 0;
    let predicted = 0;
    let expected = 0;
    let exact = 0;
    for (const line of lines) {
      const want = labelled(line);
      const got = labelled(await punctuator.punctuate(unpunctuated(line)));
      assert.deepEqual(got.tokens, want.tokens, 'the punctuator keeps the words as they were');
      want.marks.forEach((m, i) => {
        const g = got.marks[i]!;
        total++;
        if (g === m) right++;
        if (g !== '') predicted++;
        if (m !== '') expected++;
        if (g !== '' && g === m) hits++;
      });
      if (want.marks.every((m, i) => got.marks[i] === m)) exact++;
    }
    const precision = hits / predicted;
    const recall = hits / expected;
    const f1 = (2 * precision * recall) / (precision + recall);
    t.diagnostic(`${lines.length} held-out lines, ${total} tokens: token accuracy ${((100 * right) / total).toFixed(1)} %, marks precision ${(100 * precision).toFixed(1)} % recall ${(100 * recall).toFixed(1)} % F1 ${f1.toFixed(3)}, lines exact ${exact}/${lines.length}`);
    t.diagnostic(`e.g. ${await punctuator.punctuate(unpunctuated(lines[0]!))} | ${await punctuator.punctuate(unpunctuated(lines[1]!))}`);
    assert.ok(right / total >= MIN_TOKEN_ACCURACY, `token accuracy ${right / total}`);
    assert.ok(f1 >= MIN_MARK_F1, `mark F1 ${f1}`);
  });

  it('a phone number said in groups stays whole, so masking still finds it', async () => {
    const out = await punctuator.punctuate('hello my phone number is 138 1234 5678 can you check my balance');
    assert.match(out, /138 1234 5678/);
    assert.doesNotMatch(maskPii(out), /1234/);
    const zh = await punctuator.punctuate('你好我的手机号是13812345678请问可以帮我查一下余额吗');
    assert.match(zh, /13812345678/);
    assert.match(maskPii(zh), /138\*{4}5678/);
  });

  it('tidies what sherpa-onnx writes: ASCII marks after English words, no mark between digit groups', () => {
    assert.equal(tidyPunctuated('hello，i want to pay。thank you？'), 'hello, i want to pay. thank you?');
    assert.equal(tidyPunctuated('my card number is 6222，0212 3456。7890。'), 'my card number is 6222 0212 3456 7890.');
    assert.equal(tidyPunctuated('你好，我想查询余额。'), '你好，我想查询余额。');
    // a Luhn-valid card number split by the model's commas would escape masking; tidied, it does not
    assert.doesNotMatch(maskPii(tidyPunctuated('card 4111，1111 1111，1111。')), /1111 1111 1111 1111|4111 1111 1111 1111/);
  });

  it('a model with wrong metadata is refused with the reason before sherpa-onnx loads it, and the process stays up', { timeout: 60_000 }, async () => {
    const model = readFileSync(join(PUNCT_MODEL, 'model.onnx'));
    const good = { vocab_size: '3', tokens: '<unk>|你|好', punctuations: '<unk>|_|，|。|？|、', unk_symbol: '<unk>' };
    const cases: readonly { name: string; file: Buffer; reason: RegExp }[] = [
      { name: 'no-pause', file: withMetadata(model, { ...good, punctuations: '<unk>|_|，|。|？|!' }), reason: /punctuations lack '、'/ },
      { name: 'unk', file: withMetadata(model, { ...good, unk_symbol: '<oov>' }), reason: /unk_symbol '<oov>' is not one of its tokens/ },
      { name: 'vocab', file: withMetadata(model, { ...good, vocab_size: '4' }), reason: /lists 3 tokens but its vocab_size is '4'/ },
      { name: 'no-tokens', file: withMetadata(model, { vocab_size: '3', punctuations: good.punctuations, unk_symbol: '<unk>' }), reason: /has no 'tokens'/ },
      { name: 'one-input', file: identityOnnx({ metadata: good }), reason: /must take two int32 inputs/ },
    ];
    const { pid } = (await speech.request({ op: 'ping' })) as { pid: number };
    for (const c of cases) {
      const dir = join(root, c.name);
      mkdirSync(dir);
      writeFileSync(join(dir, 'model.onnx'), c.file);
      await assert.rejects(speech.request({ op: 'load-punctuation', name: c.name, dir }), (err: Error) => {
        assert.match(err.message, c.reason);
        return true;
      });
    }
    assert.deepEqual(await speech.request({ op: 'ping' }), { op: 'ping', pid });
  });
});
