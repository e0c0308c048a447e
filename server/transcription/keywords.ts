// The keywords of a call (issues 13 and 16): the enabled keyword lists that apply to the number
// dialled (a list with no numbers applies to every call), plus HAILING_LIVE_KEYWORDS, each phrase
// spelled in the live model's tokens (server/speech/keyword-spelling.ts), which is what the speech
// process's KeywordSpotter takes. Phrases are spelled per call, not stored as tokens, so a new model
// spells the same lists; one it cannot spell is skipped (and logged when the model loads).
import type { Logger } from '../sip/index.js';
import type { KeywordRepository } from '../store/index.js';
import { spellKeyword, spellingRefusal, type KeywordVocabulary } from '../speech/keyword-spelling.js';

/** one phrase of a call's keywords: the tokens the spotter reports it by, and where it came from */
export interface CallKeyword {
  readonly tokens: string;
  readonly phrase: string;
  /** null: from HAILING_LIVE_KEYWORDS */
  readonly listId: number | null;
  readonly listName: string;
}

/** the list name hits from the environment's keywords are stored under */
export const CONFIGURED_LIST = 'HAILING_LIVE_KEYWORDS';

export class CallKeywords {
  /** the lists and hits (the API reads and writes them through it) */
  readonly repository: KeywordRepository;
  readonly #vocabulary: KeywordVocabulary | null;
  readonly #model: string;
  readonly #configured: Readonly<Record<string, readonly string[]>>;
  readonly #logger: Logger;

  constructor(o: { repository: KeywordRepository; vocabulary: KeywordVocabulary | null; model: string; configured: Readonly<Record<string, readonly string[]>>; logger: Logger }) {
    this.repository = o.repository;
    this.#vocabulary = o.vocabulary;
    this.#model = o.model;
    this.#configured = o.configured;
    this.#logger = o.logger;
  }

  /** whether a keyword-spotting model is loaded (phrases can be checked) */
  get spotting(): boolean {
    return this.#vocabulary !== null;
  }

  /** null: the phrase can be spelled (or no model to check against); else the refusal's sentence */
  refusal(phrase: string): string | null {
    if (this.#vocabulary === null) return null;
    const s = spellKeyword(phrase, this.#vocabulary);
    return s.ok ? null : spellingRefusal(phrase, s.unit, this.#model);
  }

  /** the call's keywords by the number dialled; none without a spotting model */
  async forCall(call: { readonly callee: string }): Promise<CallKeyword[]> {
    const v = this.#vocabulary;
    if (v === null) return [];
    const sources: { phrases: readonly string[]; listId: number | null; listName: string }[] = [];
    for (const l of await this.repository.lists()) {
      if (l.enabled && (l.numbers.length === 0 || l.numbers.includes(call.callee))) sources.push({ phrases: l.phrases, listId: l.id, listName: l.name });
    }
    sources.push({ phrases: [...(this.#configured[call.callee] ?? []), ...(this.#configured['*'] ?? [])], listId: null, listName: CONFIGURED_LIST });
    const out: CallKeyword[] = [];
    for (const src of sources) {
      for (const phrase of new Set(src.phrases)) {
        const s = spellKeyword(phrase, v);
        if (s.ok) out.push({ tokens: s.tokens.join(' '), phrase, listId: src.listId, listName: src.listName });
      }
    }
    return out;
  }

  /** when the model loads: every stored or configured phrase it cannot spell, logged by name */
  async reportUnspellable(): Promise<number> {
    if (this.#vocabulary === null) return 0;
    const phrases = [...(await this.repository.lists()).map((l) => ({ list: l.name, phrases: l.phrases })), { list: CONFIGURED_LIST, phrases: Object.values(this.#configured).flat() }];
    let refused = 0;
    for (const { list, phrases: ps } of phrases) {
      for (const p of ps) {
        const reason = this.refusal(p);
        if (reason === null) continue;
        refused++;
        this.#logger.warn({ list, phrase: p }, `keyword not spotted: ${reason}`);
      }
    }
    return refused;
  }
}
