// Keyword phrases → model tokens (keyword-spelling.ts) against three kinds of vocabulary: the digit
// fixture's tokens.txt as it is on disk, a sentencepiece-style BPE list in the form of icefall's
// English models (upper case, '▁' word starts), and a pinyin-unit list in the form of sherpa-onnx's
// Mandarin KWS model (kws-zipformer-wenetspeech: <blk> <sos/eos> <unk>, upper-case Latin letters,
// initials, toned finals including üè, and #0… disambiguation symbols, as its tokens.txt lists them).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readVocabulary, spellKeyword, vocabularyOf } from './keyword-spelling.js';

const DIGITS = fileURLToPath(new URL('../../test/fixtures/speech/digits-transducer/tokens.txt', import.meta.url));
const lines = (symbols: readonly string[]) => ['<blk> 0', ...symbols.map((s, i) => `${s} ${i + 1}`)];

describe('keyword spelling', () => {
  it("the digit fixture: '48', 'four eight', '4 8' and '四八' are its tokens 4 8; 'cancel' is refused naming 'c'", () => {
    const v = readVocabulary(DIGITS);
    assert.equal(v.kind, 'units');
    for (const phrase of ['48', 'four eight', '4 8', 'Four, Eight', '四八']) assert.deepEqual(spellKeyword(phrase, v), { ok: true, tokens: ['4', '8'] }, phrase);
    assert.deepEqual(spellKeyword('nine nine nine', v), { ok: true, tokens: ['9', '9', '9'] });
    assert.deepEqual(spellKeyword('cancel', v), { ok: false, unit: 'c' });
    assert.deepEqual(spellKeyword('4x8', v), { ok: false, unit: 'x' });
    assert.deepEqual(spellKeyword(' , ', v), { ok: false, unit: ',' });
  });

  it('a BPE vocabulary: each word from its ▁ start in the longest pieces, in the vocabulary\'s case', () => {
    const v = vocabularyOf(lines(['▁CAN', 'CEL', '▁C', 'A', 'N', 'E', 'L', '▁MY', '▁CARD', '▁CAR', 'D', '▁', 'S', "'", '▁DON', 'T']));
    assert.equal(v.kind, 'bpe');
    assert.equal(v.upper, true);
    assert.deepEqual(spellKeyword('cancel my card', v), { ok: true, tokens: ['▁CAN', 'CEL', '▁MY', '▁CARD'] });
    assert.deepEqual(spellKeyword('Cards', v), { ok: true, tokens: ['▁CARD', 'S'] });
    assert.deepEqual(spellKeyword("don't", v), { ok: true, tokens: ['▁DON', "'", 'T'] });
    // no piece starts with Z, and no piece spells 'ANZ' after '▁CAN'… 'Z' is the unit named
    assert.deepEqual(spellKeyword('canz', v), { ok: false, unit: 'Z' });
    // '▁' alone lets a word start with a piece that has no ▁ of its own
    assert.deepEqual(spellKeyword('snl', v), { ok: true, tokens: ['▁', 'S', 'N', 'L'] });
    const lower = vocabularyOf(lines(['▁hello', '▁world', '▁wor', 'ld']));
    assert.equal(lower.upper, false);
    assert.deepEqual(spellKeyword('Hello World', lower), { ok: true, tokens: ['▁hello', '▁world'] });
  });

  it('a pinyin-unit vocabulary: Han characters as initials and toned finals (y and w as initials, as sherpa-onnx text2token)', () => {
    const v = vocabularyOf([
      '<blk> 0',
      '<sos/eos> 1',
      '<unk> 2',
      ...['A', 'B', 'I', 'P', 'V', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'zh', 'ch', 'sh', 'r', 'z', 'c', 's', 'y', 'w', 'ǐ', 'ǎo', 'óu', 'ù', 'ī', 'ǔ', 'ǒ', 'ú', 'ā', 'ǎ', 'iǎo', 'àn', 'ián', 'üè', 'uè', 'ué', '#0', '#1'].map((s, i) => `${s} ${i + 3}`),
    ]);
    assert.equal(v.kind, 'pinyin');
    assert.ok(!v.tokens.has('#0') && !v.tokens.has('<unk>') && v.tokens.has('üè'));
    assert.deepEqual(spellKeyword('你好', v), { ok: true, tokens: ['n', 'ǐ', 'h', 'ǎo'] });
    assert.deepEqual(spellKeyword('投诉', v), { ok: true, tokens: ['t', 'óu', 's', 'ù'] });
    // 一五: y ī, w ǔ (initials y/w, non-strict finals)
    assert.deepEqual(spellKeyword('一五', v), { ok: true, tokens: ['y', 'ī', 'w', 'ǔ'] });
    // 银行: yín is not spelled by this list (no 'ín'): the unit named
    assert.deepEqual(spellKeyword('银', v), { ok: false, unit: 'ín' });
    // ü finals as pypinyin writes them (略 lüè), and u after j/q/x/y (觉 jué, 月 yuè)
    assert.deepEqual(spellKeyword('略', v), { ok: true, tokens: ['l', 'üè'] });
    assert.deepEqual(spellKeyword('觉月', v), { ok: true, tokens: ['j', 'ué', 'y', 'uè'] });
    // Latin letters are its upper-case letter tokens, not the initials b, p…
    assert.deepEqual(spellKeyword('投诉 vip', v), { ok: true, tokens: ['t', 'óu', 's', 'ù', 'V', 'I', 'P'] });
    assert.deepEqual(spellKeyword('VIP卡', v), { ok: true, tokens: ['V', 'I', 'P', 'k', 'ǎ'] });
    assert.deepEqual(spellKeyword('ok', v), { ok: false, unit: 'o' });
  });

  it("a whole-syllable pinyin vocabulary ('fpinyin'): 你好 is nǐ hǎo", () => {
    const v = vocabularyOf(lines(['nǐ', 'hǎo', 'tóu', 'sù', 'zhōng', 'guó']));
    assert.equal(v.kind, 'pinyin');
    assert.deepEqual(spellKeyword('你好', v), { ok: true, tokens: ['nǐ', 'hǎo'] });
    assert.deepEqual(spellKeyword('中国', v), { ok: true, tokens: ['zhōng', 'guó'] });
    assert.deepEqual(spellKeyword('投诉 中', v), { ok: true, tokens: ['tóu', 'sù', 'zhōng'] });
  });

  it('a character vocabulary (Chinese characters as tokens): 投诉 is 投 诉, a missing character is named', () => {
    const v = vocabularyOf(lines(['投', '诉', '取', '消', '卡']));
    assert.equal(v.kind, 'units');
    assert.deepEqual(spellKeyword('投诉', v), { ok: true, tokens: ['投', '诉'] });
    assert.deepEqual(spellKeyword('取消 银行卡', v), { ok: false, unit: '银' });
  });
});
