// A typed face on the parts of sherpa-onnx-node Hailing uses (the package ships no declarations).
// Only the speech process loads it: sherpa-onnx calls exit() on several bad configurations, which
// would end whichever process holds it (docs/speech.md).
import { createRequire } from 'node:module';

export interface SherpaVitsConfig {
  readonly model: { readonly vits: { readonly model: string; readonly tokens: string; readonly dataDir?: string; readonly lexicon?: string }; readonly numThreads: number; readonly debug: boolean; readonly provider?: 'cpu' };
  readonly maxNumSentences: number;
}

export interface SherpaGeneratedAudio {
  readonly samples: Float32Array;
  readonly sampleRate: number;
}

export interface SherpaOfflineTts {
  readonly sampleRate: number;
  readonly numSpeakers: number;
  generate(request: { text: string; sid: number; speed: number }): SherpaGeneratedAudio;
}

interface SherpaModule {
  OfflineTts: new (config: SherpaVitsConfig) => SherpaOfflineTts;
}

let loaded: SherpaModule | null = null;

export function sherpa(): SherpaModule {
  loaded ??= createRequire(import.meta.url)('sherpa-onnx-node') as SherpaModule;
  return loaded;
}
