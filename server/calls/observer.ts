// The call observer (CONVENTIONS.md §4): records, the events WebSocket and metrics listen here.
// Listener exceptions are contained (safeEmit) so monitoring can never break a call. One thing
// waits on a listener: the 200 to a BYE waits until the call's end is stored (ended()).
import type { Logger } from '../sip/index.js';
import type { CallEvents, CallRecord, DtmfEvent } from './types.js';
import type { MediaChange, TransferProgress } from './call-events.js';

type Listener = (record: CallRecord) => void;

/** what changed on a call in progress, for observers (the events WebSocket) */
export interface CallChange {
  readonly callId: string;
  readonly caller: string;
  readonly callee: string;
  readonly change: MediaChange | ({ readonly kind: 'transfer' } & TransferProgress);
}

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
    this.#each(this.#dtmf, event, 'dtmf');
  }

  /** safeEmit: a listener that throws is logged and the others still hear of it */
  #each<T>(listeners: Iterable<(e: T) => void>, event: T, name: string): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        this.#logger.error({ event: name, err: String(err) }, 'call observer threw');
      }
    }
  }

  readonly #changes = new Set<(e: CallChange) => void>();

  /** media changes (hold, resume, unbridge) and transfers of calls in progress */
  onChange(listener: (e: CallChange) => void): () => void {
    this.#changes.add(listener);
    return () => this.#changes.delete(listener);
  }

  emitChange(event: CallChange): void {
    this.#each(this.#changes, event, 'change');
  }

  readonly #ended = new Set<(record: CallRecord) => Promise<void>>();

  /** A store of call ends that must hold one before the party that hung up is told it ended. */
  onEnded(listener: (record: CallRecord) => Promise<void>): () => void {
    this.#ended.add(listener);
    return () => this.#ended.delete(listener);
  }

  /**
   * A call's end, decided but not yet told to the party that hung up (the 200 to its BYE): resolves
   * once every onEnded store has it durably, so a kill -9 right after the 200 cannot leave the call
   * INTERRUPTED. Failures are logged, never thrown: the BYE is answered either way.
   */
  async ended(record: CallRecord): Promise<void> {
    await Promise.all(
      [...this.#ended].map(async (listener) => {
        try {
          await listener(record);
        } catch (err) {
          this.#logger.error({ event: 'ended', call: record.id, err: String(err) }, 'call end not stored');
        }
      }),
    );
  }

  emit(event: keyof CallEvents, record: CallRecord): void {
    this.#each(this.#listeners.get(event) ?? [], record, event);
  }
}
