// The keywords of a call (keywords.ts) from lists in a real database file and the environment's
// HAILING_LIVE_KEYWORDS, spelled in the digit fixture's tokens.txt: a list applies to the numbers
// dialled it names (none: every call) while it is on; a phrase the model cannot spell is left out
// and reported by name when the model loads; without a spotting model a call has no keywords.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { KeywordRepository } from '../store/index.js';
import { openTempDatabase } from '../store/testing.js';
import type { Logger } from '../sip/index.js';
import { readVocabulary } from '../speech/keyword-spelling.js';
import { CallKeywords } from './keywords.js';

const TOKENS = fileURLToPath(new URL('../../test/fixtures/speech/digits-transducer/tokens.txt', import.meta.url));

describe('the keywords of a call', () => {
  it('lists by number dialled and on/off, plus the environment; unspellable phrases left out and logged by name', async () => {
    const tmp = await openTempDatabase();
    try {
      const repository = new KeywordRepository({ db: tmp.database.db });
      await repository.create({ name: 'fraud', phrases: ['four eight', 'cancel'], numbers: ['1002'], enabled: true });
      await repository.create({ name: 'everywhere', phrases: ['999'], numbers: [], enabled: true });
      await repository.create({ name: 'off', phrases: ['123'], numbers: [], enabled: false });
      const warned: { list: string; phrase: string; msg: string }[] = [];
      const logger = { warn: (o: { list: string; phrase: string }, msg: string) => void warned.push({ ...o, msg }), info() {}, error() {}, debug() {} } as unknown as Logger;
      const kw = new CallKeywords({ repository, vocabulary: readVocabulary(TOKENS), model: 'digits-transducer', configured: { '1002': ['5 5 5'], '*': ['zero'] }, logger });

      const to1002 = await kw.forCall({ callee: '1002' });
      assert.deepEqual(
        to1002.map((k) => [k.tokens, k.phrase, k.listName, k.listId]),
        [
          ['4 8', 'four eight', 'fraud', 1],
          ['9 9 9', '999', 'everywhere', 2],
          ['5 5 5', '5 5 5', 'HAILING_LIVE_KEYWORDS', null],
          ['0', 'zero', 'HAILING_LIVE_KEYWORDS', null],
        ],
      );
      assert.deepEqual((await kw.forCall({ callee: '1003' })).map((k) => k.phrase), ['999', 'zero']);

      assert.equal(await kw.reportUnspellable(), 1);
      assert.deepEqual(warned.map((w) => [w.list, w.phrase]), [['fraud', 'cancel']]);
      assert.match(warned[0]!.msg, /no token for 'c'/);
      assert.equal(kw.refusal('four eight'), null);

      const none = new CallKeywords({ repository, vocabulary: null, model: '', configured: { '*': ['999'] }, logger });
      assert.deepEqual(await none.forCall({ callee: '1002' }), []);
      assert.equal(none.refusal('cancel'), null, 'nothing to check against');
    } finally {
      await tmp.cleanup();
    }
  });
});
