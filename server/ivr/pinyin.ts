// How Mandarin text sounds, for matching what a recogniser wrote against what a flow expects:
// recognisers often pick a homophone (查鱼鹅 for 查余额, "check balance"), and callers from the south
// merge some initials and finals. Han characters become toneless pinyin syllables (pinyin-pro picks
// each character's reading from its neighbours, so 重庆 reads chong qing); other words stay as they are.
import { pinyin } from 'pinyin-pro';

const HAN_RUN = /\p{Script=Han}+/gu;

/**
 * The fuzzy-pinyin folds that Mandarin input methods offer (模糊音): zh/z, ch/c, sh/s, n/l, and the
 * front/back nasals an/ang, en/eng, in/ing. Folding both sides makes 四 (si) and 十 (shi) one sound,
 * which costs precision, so the folded match ranks below an exact one.
 */
function fold(syllable: string): string {
  return syllable
    .replace(/^([zcs])h/, '$1')
    .replace(/^l/, 'n')
    .replace(/(an|en|in)g$/, '$1');
}

/** `text` (already normalised: lower case, spaces between words) as syllables and words */
export function soundOf(text: string, o: { readonly fuzzy: boolean }): string[] {
  const out: string[] = [];
  for (const word of text.split(' ')) {
    if (word === '') continue;
    let at = 0;
    for (const m of word.matchAll(HAN_RUN)) {
      if (m.index > at) out.push(word.slice(at, m.index));
      const syllables = pinyin(m[0], { toneType: 'none', type: 'array' });
      out.push(...(o.fuzzy ? syllables.map(fold) : syllables));
      at = m.index + m[0].length;
    }
    if (at < word.length) out.push(word.slice(at));
  }
  return out;
}

/** true when `needle`'s syllables occur in `hay` in a row */
export function containsRun(hay: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0 || needle.length > hay.length) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export const hasHan = (text: string): boolean => /\p{Script=Han}/u.test(text);
