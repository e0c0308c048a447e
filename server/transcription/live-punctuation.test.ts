// Live transcription with a punctuator: each final is punctuated (the fixture CT-transformer through
// a real speech process) before it is published and stored, and a leg's events keep their order
// although a final waits for the speech process: a partial of the next utterance that arrives
// meanwhile comes after it. The recogniser's events are stood in for, as in live-withheld.test.ts.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../sip/index.js';
import { SherpaPunctuator, SpeechProcess } from '../speech/index.js';
import { liveRig } from './testing.js';

const PUNCT = fileURLToPath(new URL('../../test/fixtures/speech/punct-ct', import.meta.url));

describe('live transcription finals punctuated in order', () => {
  let root: string;
  let speech: SpeechProcess;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-live-punct-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    await speech.start();
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('finals come punctuated, stored so, and nothing overtakes a final waiting for punctuation', { timeout: 60_000 }, async () => {
    const punctuator = new SherpaPunctuator({ speech, name: 'punct-ct', dir: PUNCT });
    const { say, published, stored } = await liveRig({ logger: silentLogger, now: () => 1000, partialEveryMs: 1000, punctuate: (t) => punctuator.punctuate(t) });

    // sentences of the fixture's training grammar: this is about the path; held-out quality is punctuation.test.ts's
    say('asr-final', 0, '你好我想还款');
    say('asr-partial', 2000, 'can you');
    say('asr-final', 2000, 'can you pay my bill');
    for (let i = 0; i < 100 && published.length < 3; i++) await new Promise((r) => setTimeout(r, 50));

    assert.deepEqual(
      published.map((e) => [e.type, e.text]),
      [
        ['transcript.final', '你好，我想还款。'],
        ['transcript.partial', 'can you'],
        ['transcript.final', 'can you pay my bill?'],
      ],
    );
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(stored, ['你好，我想还款。', 'can you pay my bill?']);
  });
});
