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
