// Which punctuation model transcription finals go through: HAILING_PUNCTUATION_MODEL's folder when
// set, else the manifest's punctuation model when it is installed in HAILING_MODELS_DIR (as
// `npm run models -- install NAME` leaves it), else none: text stays as recognised, and the log
// says what would add punctuation.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { Logger } from '../sip/index.js';
import { loadManifest, SherpaPunctuator, type Punctuator } from '../speech/index.js';
import type { PunctuationRequests } from '../speech/punctuator.js';

export type PunctuationChoice = { readonly dir: string; readonly from: 'setting' | 'installed' } | { readonly dir: null; readonly manifestModel: string | null };

export function choosePunctuationModel(config: Pick<Config, 'punctuationModel' | 'modelsDir'>): PunctuationChoice {
  if (config.punctuationModel !== undefined) return { dir: resolve(config.punctuationModel), from: 'setting' };
  const entry = loadManifest().models.find((m) => m.kind === 'punctuation');
  if (entry === undefined) return { dir: null, manifestModel: null };
  const dir = join(config.modelsDir, entry.name);
  // the installer writes its marker last: a folder without it is not an installed model
  return existsSync(join(dir, '.hailing-model.json')) ? { dir, from: 'installed' } : { dir: null, manifestModel: entry.name };
}

/**
 * The punctuator for transcription finals, or null (logged). A punctuator that fails (a refused
 * model, the speech process gone) leaves the text as recognised: finals are never lost for it.
 */
export function createPunctuation(o: { config: Pick<Config, 'punctuationModel' | 'modelsDir'>; speech: PunctuationRequests; logger: Logger }): (Punctuator & { load(): Promise<unknown> }) | null {
  const choice = choosePunctuationModel(o.config);
  if (choice.dir === null) {
    o.logger.info(
      { setting: 'HAILING_PUNCTUATION_MODEL' },
      `transcripts stay unpunctuated: set HAILING_PUNCTUATION_MODEL to a CT-transformer punctuation model folder${choice.manifestModel === null ? '' : ` or install ${choice.manifestModel} (npm run models -- install ${choice.manifestModel})`}`,
    );
    return null;
  }
  const model = new SherpaPunctuator({ speech: o.speech, name: `punctuation:${choice.dir}`, dir: choice.dir });
  let warned = false;
  return {
    load: () => model.load(),
    async punctuate(text: string): Promise<string> {
      try {
        const out = await model.punctuate(text);
        warned = false;
        return out;
      } catch (err) {
        // one line per run of failures, not one per final
        if (!warned) o.logger.warn({ model: choice.dir, err: String(err) }, 'punctuation failed; transcripts keep the recognised text until it works again');
        warned = true;
        return text;
      }
    },
  };
}
