// Punctuators on the speech process: sherpa-onnx OfflinePunctuation (CT-transformer models), loaded
// after punctuation-check.ts because sherpa-onnx exit()s or aborts on the bad models it refuses.
import { punctuationCheck } from '../check/punctuation-check.js';
import { punctuateWhole, tidyPunctuated } from '../punctuation-text.js';
import { sherpa, type SherpaOfflinePunctuation } from '../sherpa.js';
import type { SpeechResult } from './protocol.js';

const loaded = new Map<string, SherpaOfflinePunctuation>();

export async function loadPunctuation(name: string, dir: string): Promise<SpeechResult> {
  const m = await punctuationCheck({ name, dir });
  loaded.set(name, new (sherpa().OfflinePunctuation)({ model: { ctTransformer: m.model, numThreads: 1, debug: false } }));
  return { op: 'load-punctuation', vocabSize: m.vocabSize, punctuations: [...m.punctuations] };
}

export function punctuate(name: string, text: string): SpeechResult {
  const p = loaded.get(name);
  if (!p) throw new Error(`punctuation model '${name}' is not loaded`);
  // sherpa-onnx answers '' with '' and anything else with at least a closing mark
  return { op: 'punctuate', text: text.trim() === '' ? text : tidyPunctuated(punctuateWhole((t) => p.addPunct(t), text)) };
}
