// Mandarin text for espeak-ng: Debian's espeak-ng 1.51 reads most Hanzi badly with its `cmn` voice
// (it falls back to English letter names), but reads tone-numbered pinyin well with
// `cmn-latn-pinyin`, digits included (125 → yi1 bai3 er4 shi2 wu3). So Hanzi are converted to
// pinyin with their readings in context (pinyin-pro's dictionary picks 银行 yin2 hang2, not xing2),
// the neutral tone written 5 as espeak-ng expects, and full-width punctuation made ASCII so
// pauses fall where the text has them.
import { pinyin } from 'pinyin-pro';

const PUNCTUATION: Readonly<Record<string, string>> = { '，': ',', '。': '.', '？': '?', '！': '!', '；': ';', '：': ':', '、': ',', '（': '(', '）': ')' };
const HANZI = /\p{Script=Han}/u;

export function hasHanzi(text: string): boolean {
  return HANZI.test(text);
}

/** '您的余额是125元。' → 'nin2 de5 yu2 e2 shi4 125 yuan2 .' */
export function hanziToPinyin(text: string): string {
  const ascii = text.replace(/[，。？！；：、（）]/g, (c) => ` ${PUNCTUATION[c]!} `);
  return pinyin(ascii, { toneType: 'num', type: 'array', nonZh: 'consecutive', v: true })
    .map((s) => s.replace(/^([a-zv]+)0$/, '$15'))
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}
