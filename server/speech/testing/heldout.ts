// Scores an offline recogniser on the held-out digit strings (HELDOUT_CASES, espeak-ng voices
// training never used, through G.711 with 300 ms of silence either side): the digit error over all
// of them, each case's result handed to `check` (token times, text) and printed as a diagnostic.
import { espeak, throughG711 } from './audio.js';
import { digitErrors, HELDOUT_CASES } from './digits.js';

export interface UtteranceResult {
  readonly text: string;
  readonly tokens: readonly string[];
  readonly timestamps: readonly number[];
}

export async function heldOutDigitError(o: {
  readonly utterance: (input: { pcm: Int16Array; rate: 8000 }) => Promise<UtteranceResult>;
  readonly diagnostic: (line: string) => void;
  /** per case, with the audio sent (its length gives where the speech ends) */
  readonly check?: (r: UtteranceResult, pcm: Int16Array) => void;
}): Promise<{ errors: number; total: number }> {
  const silence = new Int16Array(8 * 300);
  let errors = 0;
  let total = 0;
  for (const c of HELDOUT_CASES) {
    const speech = espeak({ text: c.digits, voice: c.voice, rate: 8000 });
    const pcm = new Int16Array(silence.length * 2 + speech.length);
    pcm.set(speech, silence.length);
    const sent = throughG711(pcm);
    const r = await o.utterance({ pcm: sent, rate: 8000 });
    const want = c.digits.replace(/ /g, '');
    const e = digitErrors(want, r.text);
    o.diagnostic(`${c.voice}: "${want}" → "${r.text}" (${e} errors) at ${r.timestamps.map((s) => s.toFixed(2)).join(' ')} s`);
    errors += e;
    total += want.length;
    o.check?.(r, sent);
  }
  o.diagnostic(`digit error ${((errors / total) * 100).toFixed(1)} % (${errors}/${total})`);
  return { errors, total };
}
