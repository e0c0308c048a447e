// Rule matching of an utterance to a flow's intents: phrase lists and keyword rules over a
// normalised text that tolerates what recognisers and callers do to numbers ("one two three",
// "１２３", "一二三" all read 123), and for Mandarin by sound: a phrase the recogniser wrote with
// homophones (查鱼鹅 for 查余额) matches by its pinyin, then by fuzzy pinyin (pinyin.ts).
import { containsRun, hasHan, soundOf } from './pinyin.js';

const WORD_DIGITS: Readonly<Record<string, string>> = {
  zero: '0', oh: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9',
};
const HAN_DIGITS: Readonly<Record<string, string>> = { 零: '0', 〇: '0', 一: '1', 幺: '1', 二: '2', 两: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/** lower case, NFKC (full-width digits and letters to ASCII), number words to digits, punctuation to spaces */
export function normalise(text: string): string {
  let t = text.normalize('NFKC').toLowerCase();
  t = t.replace(/[零〇一幺二两三四五六七八九]/gu, (c) => HAN_DIGITS[c] ?? c);
  t = t.replace(/[^\p{L}\p{N}]+/gu, ' ');
  const words = t.split(' ').filter((w) => w !== '').map((w) => WORD_DIGITS[w] ?? w);
  // runs of single digits join into one number ("1 2 3" → "123")
  const out: string[] = [];
  for (const w of words) {
    const prev = out.at(-1);
    if (/^[0-9]+$/.test(w) && prev !== undefined && /^[0-9]+$/.test(prev)) out[out.length - 1] = prev + w;
    else out.push(w);
  }
  return out.join(' ');
}

/** words, and for text without spaces (Chinese) its characters */
function tokens(t: string): string[] {
  return t.split(' ').flatMap((w) => (/^[\p{Script=Han}]+$/u.test(w) ? [...w] : [w]));
}

export interface RuleIntent {
  readonly name: string;
  readonly phrases: readonly string[];
  readonly keywords: readonly string[];
}

export interface RuleMatch {
  readonly intent: string;
  readonly confidence: number;
  readonly by: string;
}

/**
 * The best intent for `utterance`: a phrase equal to it (1.0), a phrase inside it (0.9), a Chinese
 * phrase inside it by sound (0.85; by fuzzy sound 0.8), a keyword rule whose every word is in it
 * (0.8; by sound 0.75), else the best share of a phrase's words found in it.
 */
export function matchRules(o: { readonly utterance: string; readonly intents: readonly RuleIntent[] }): RuleMatch | null {
  const u = normalise(o.utterance);
  if (u === '') return null;
  const have = new Set(tokens(u));
  const sound = hasHan(u) ? { exact: soundOf(u, { fuzzy: false }), fuzzy: soundOf(u, { fuzzy: true }) } : null;
  let best: RuleMatch | null = null;
  const offer = (m: RuleMatch) => {
    if (best === null || m.confidence > best.confidence) best = m;
  };
  for (const i of o.intents) {
    for (const phrase of i.phrases) {
      const p = normalise(phrase);
      if (p === '') continue;
      if (p === u) offer({ intent: i.name, confidence: 1, by: `phrase "${phrase}"` });
      else if (` ${u} `.includes(` ${p} `) || (hasHan(p) && u.includes(p))) offer({ intent: i.name, confidence: 0.9, by: `phrase "${phrase}" in the utterance` });
      else if (sound !== null && hasHan(p) && containsRun(sound.exact, soundOf(p, { fuzzy: false }))) offer({ intent: i.name, confidence: 0.85, by: `phrase "${phrase}" by its sound` });
      else if (sound !== null && hasHan(p) && containsRun(sound.fuzzy, soundOf(p, { fuzzy: true }))) offer({ intent: i.name, confidence: 0.8, by: `phrase "${phrase}" by its fuzzy sound` });
      else {
        const words = tokens(p);
        const found = words.filter((w) => have.has(w)).length;
        if (found > 0) offer({ intent: i.name, confidence: Math.round((0.7 * found * 100) / words.length) / 100, by: `${found} of ${words.length} words of "${phrase}"` });
      }
    }
    for (const rule of i.keywords) {
      const words = tokens(normalise(rule));
      if (words.length > 0 && words.every((w) => have.has(w))) offer({ intent: i.name, confidence: 0.8, by: `keywords "${rule}"` });
      else if (sound !== null && hasHan(rule) && normalise(rule).split(' ').every((w) => w !== '' && containsRun(sound.exact, soundOf(w, { fuzzy: false }))))
        offer({ intent: i.name, confidence: 0.75, by: `keywords "${rule}" by their sound` });
    }
  }
  return best;
}
