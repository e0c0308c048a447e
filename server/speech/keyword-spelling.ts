// Keyword phrases as people write them ("cancel my card", "投诉", "four eight") spelled in a loaded
// model's tokens (its tokens.txt), which is what sherpa-onnx's KeywordSpotter takes. The vocabulary
// decides how:
// - sentencepiece BPE (tokens starting with '▁' mark a word's start): each word, '▁' in front, is cut
//   into the longest tokens from the left (the vocabulary's letter case is followed); sentencepiece's
//   own segmentation (text2token 'bpe' reads bpe.model, which a model folder need not hold) can
//   differ, but every piece here is a token of the model, which is what the spotter needs;
// - pinyin units (sherpa-onnx's Mandarin KWS models: initials and toned finals, `n ǐ h ǎo`): Han
//   characters are read by pinyin-pro (each reading from its neighbours) and each syllable split as
//   sherpa-onnx's text2token 'ppinyin' does it (pypinyin to_initials/to_finals_tone, strict=False:
//   y and w count as initials); a vocabulary of whole toned syllables ('fpinyin') keeps them whole;
// - otherwise whole words or single characters (a Chinese character model, the digit fixture),
//   with number words as digits when the vocabulary has digits but not the word ("four" → 4).
// A phrase the vocabulary cannot spell is refused naming the first unit it lacks.
import { readFileSync } from 'node:fs';
import { pinyin } from 'pinyin-pro';

export type VocabularyKind = 'bpe' | 'pinyin' | 'units';

export interface KeywordVocabulary {
  readonly kind: VocabularyKind;
  readonly tokens: ReadonlySet<string>;
  /** BPE vocabularies are mostly one letter case (icefall's English models: upper) */
  readonly upper: boolean;
}

export type Spelling = { readonly ok: true; readonly tokens: readonly string[] } | { readonly ok: false; readonly unit: string };

const WORD_START = '▁';
const TONED = /[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]/;
/** pypinyin's initials with strict=False (y and w included), longest first */
const INITIALS = ['zh', 'ch', 'sh', 'b', 'p', 'm', 'f', 'd', 't', 'n', 'l', 'g', 'k', 'h', 'j', 'q', 'x', 'r', 'z', 'c', 's', 'y', 'w'];
const HAN = /\p{Script=Han}/u;
const DIGIT_WORDS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
  零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
};

/** a vocabulary from tokens.txt's lines (`symbol id`); the blank, other <…> symbols and #N disambiguation symbols are not spellable */
export function vocabularyOf(lines: readonly string[]): KeywordVocabulary {
  const tokens = new Set<string>();
  for (const line of lines) {
    const symbol = line.trim().split(/\s+/)[0];
    if (symbol === undefined || symbol === '' || /^<.*>$/.test(symbol) || /^#\d+$/.test(symbol)) continue;
    tokens.add(symbol);
  }
  const all = [...tokens];
  const kind: VocabularyKind = all.some((t) => t.startsWith(WORD_START)) ? 'bpe' : all.filter((t) => TONED.test(t)).length >= 4 ? 'pinyin' : 'units';
  const upper = all.filter((t) => /[A-Z]/.test(t)).length > all.filter((t) => /[a-z]/.test(t)).length;
  return { kind, tokens, upper };
}

/** the vocabulary of a model folder's tokens.txt */
export function readVocabulary(tokensFile: string): KeywordVocabulary {
  return vocabularyOf(readFileSync(tokensFile, 'utf8').split('\n'));
}

/** the phrase's words: punctuation (but a word's apostrophe) separates words */
function wordsOf(phrase: string): string[] {
  return phrase
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}'’]+/gu, ' ')
    .split(' ')
    .filter((w) => w !== '');
}

/** the longest tokens from the left, or the unit where none fits */
function longestMatch(text: string, tokens: ReadonlySet<string>): { tokens: string[] } | { unit: string } {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    let end = text.length;
    while (end > at && !tokens.has(text.slice(at, end))) end--;
    if (end === at) {
      // the unit named is the character that no token starts with here ('▁' alone: the word's first letter)
      const ch = String.fromCodePoint(text.codePointAt(at)!);
      return { unit: ch === WORD_START ? String.fromCodePoint(text.codePointAt(at + 1) ?? 0x3f) : ch };
    }
    out.push(text.slice(at, end));
    at = end;
  }
  return { tokens: out };
}

/** one Han character's pinyin units (initial, toned final), or the whole syllable where the vocabulary has it */
function pinyinUnits(syllable: string, tokens: ReadonlySet<string>): string[] {
  const initial = INITIALS.find((i) => syllable.startsWith(i) && syllable.length > i.length) ?? '';
  const final = syllable.slice(initial.length);
  if (!tokens.has(final) && tokens.has(syllable)) return [syllable];
  return initial === '' ? [final] : [initial, final];
}

/**
 * a word of a unit vocabulary: itself, its digit, else character by character (each maybe a digit).
 * A pinyin vocabulary's Latin letters are its upper-case tokens (sherpa-onnx's wenetspeech KWS model
 * lists A…Z beside the lower-case initials b, p, m…, which are sounds, not letters).
 */
function unitWord(word: string, v: KeywordVocabulary): { tokens: string[] } | { unit: string } {
  const cases = (w: string) => (v.kind === 'pinyin' ? [w.toUpperCase(), w] : [w, w.toLowerCase(), w.toUpperCase()]);
  for (const form of cases(word)) if (v.tokens.has(form)) return { tokens: [form] };
  const digit = DIGIT_WORDS[word.toLowerCase()];
  if (digit !== undefined && v.tokens.has(digit)) return { tokens: [digit] };
  const out: string[] = [];
  for (const ch of word) {
    const forms = [...cases(ch), DIGIT_WORDS[ch] ?? ''];
    const hit = forms.find((f) => f !== '' && v.tokens.has(f));
    if (hit === undefined) return { unit: ch };
    out.push(hit);
  }
  return { tokens: out };
}

/** the phrase in the vocabulary's tokens, or the first unit it cannot spell */
export function spellKeyword(phrase: string, v: KeywordVocabulary): Spelling {
  const words = wordsOf(phrase);
  if (words.length === 0) return { ok: false, unit: phrase.trim() === '' ? '(empty)' : phrase.trim() };
  const out: string[] = [];
  for (const word of words) {
    // Han runs: pinyin units for a pinyin vocabulary, else characters; the rest of the word as the vocabulary spells words
    for (const part of word.match(/\p{Script=Han}+|[^\p{Script=Han}]+/gu) ?? []) {
      let r: { tokens: string[] } | { unit: string };
      if (HAN.test(part) && v.kind === 'pinyin') {
        const syllables = pinyin(part, { toneType: 'symbol', type: 'array' });
        r = { tokens: syllables.flatMap((s) => pinyinUnits(s, v.tokens)) };
        const missing = r.tokens.find((t) => !v.tokens.has(t));
        if (missing !== undefined) r = { unit: missing };
      } else if (v.kind === 'bpe' && !HAN.test(part)) {
        r = longestMatch(WORD_START + (v.upper ? part.toUpperCase() : part.toLowerCase()), v.tokens);
      } else {
        r = unitWord(part, v);
      }
      if ('unit' in r) return { ok: false, unit: r.unit };
      out.push(...r.tokens);
    }
  }
  return { ok: true, tokens: out };
}

/** the refusal's sentence: the phrase and the unit the model lacks */
export function spellingRefusal(phrase: string, unit: string, model: string): string {
  return `'${phrase}' cannot be spelled in the tokens of model '${model}': it has no token for '${unit}'`;
}
