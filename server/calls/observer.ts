// The call observer (CONVENTIONS.md §4): records, the events WebSocket and metrics listen here.
// Listener exceptions are contained (safeEmit) so monitoring can never break a call.
import type { Logger } from '../sip/index.js';
import type { CallEvents, CallRecord, DtmfEvent } from './types.js';

type Listener = (record: CallRecord) => void;

export class CallObserver {
  readonly #listeners = new Map<keyof CallEvents, Set<Listener>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<E extends keyof CallEvents>(event: E, listener: CallEvents[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  readonly #dtmf = new Set<(e: DtmfEvent) => void>();

  onDtmf(listener: (e: DtmfEvent) => void): () => void {
    this.#dtmf.add(listener);
    return () => this.#dtmf.delete(listener);
  }

  emitDtmf(event: DtmfEvent): void {
    for (const listener of this.#dtmf) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ event: 'dtmf', err: String(err) }, 'call observer threw');
      }
    }
  }

  emit(event: keyof CallEvents, record: CallRecord): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener(record);
      } catch (err) {
        this.#logger.error({ event, err: String(err) }, 'call observer threw');
      }
    }
  }
}
