// What Hailing makes of a CT-transformer's punctuated text before it becomes a transcript. Pure.
//
// sherpa-onnx writes the marks its model knows, which are the Chinese ones (，。？、), also after
// English words and with no space after them ("hello，i want"). And the model may put a mark
// between two groups of a number said with pauses ("138，1234 5678"): transcripts are stored as
// recognised and masked when read (server/security/pii.ts, per the reader's role), and the masking
// matches digit runs separated by spaces or hyphens only, so such a comma would leave the number
// unmasked for every reader. A mark between two digits therefore goes back to the space it replaced
// (sherpa-onnx only splits a digit run where the recogniser put a space).

const ASCII_MARK: Readonly<Record<string, string>> = { '，': ',', '。': '.', '？': '?', '、': ',' };

export function tidyPunctuated(text: string): string {
  return text
    .replace(/(?<=[0-9])[，。？、](?=[0-9])/g, ' ')
    .replace(/(?<=[A-Za-z0-9'])[，。？、]/g, (mark: string, at: number, s: string) => ASCII_MARK[mark]! + (/[A-Za-z0-9]/.test(s[at + 1] ?? '') ? ' ' : ''));
}

const MARKS = /[，。？、]/g;

/**
 * Punctuates all of `text` with sherpa-onnx's addPunct. sherpa-onnx (1.13.8,
 * offline-punctuation-ct-transformer-impl.h) cuts the tokens into windows of 20 and, when the last
 * window holds a full stop before its end, drops every word after that stop: "对我需要身份证银行卡手机
 * right we can open a new account for you" came back as "对，我需要身份证、银行卡、手机。". What it
 * dropped is punctuated again on its own and appended, until nothing is left. Text that already has
 * punctuation (some recognisers write their own) is returned as it is.
 */
export function punctuateWhole(addPunct: (text: string) => string, text: string): string {
  if (/[，。？、,.?!！；;：:]/.test(text)) return text;
  let rest = text.trim();
  let out = '';
  while (rest !== '') {
    const done = addPunct(rest);
    // sherpa-onnx keeps each word as it was and only adds marks (and spaces between English words)
    const kept = done.replace(MARKS, '').replace(/\s/g, '').length;
    let at = 0;
    for (let n = 0; at < rest.length && n < kept; at++) if (!/\s/.test(rest[at]!)) n++;
    if (kept === 0) {
      out = join(out, rest);
      break;
    }
    out = join(out, done);
    rest = rest.slice(at).trim();
  }
  return out;
}

/** as sherpa-onnx joins: a space only between two English words (tidyPunctuated spaces after marks) */
const join = (a: string, b: string): string => (/[A-Za-z0-9']$/.test(a) && /^[A-Za-z0-9']/.test(b) ? `${a} ${b}` : `${a}${b}`);
