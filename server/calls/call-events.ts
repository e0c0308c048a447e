// A call's own typed events, for the handlers running on it and for other calls' handlers that
// depend on it (a supervisor's monitor ends with the monitored call). Observers (records, the
// WebSocket feed, metrics) listen on the CallObserver instead; listeners here may steer.
import type { CallState } from './call.js';
import type { Direction, Side } from './call-media.js';
import type { CallRecord, DtmfEvent } from './types.js';

/** what happened to the call's media (the state event says where the call now is) */
export type MediaChange =
  | { readonly kind: 'bridged' }
  | { readonly kind: 'held' }
  | { readonly kind: 'resumed' }
  | { readonly kind: 'unbridged'; readonly reason: 'peer-hangup' | 'unbridged' | 'transferred' }
  /** a phone's own re-offer (hold, resume, a new address) answered by its endpoint here */
  | { readonly kind: 'direction'; readonly side: Side; readonly direction: Direction }
  /** `side` put the other party on hold by its own re-offer (party-hold.ts), or took it off */
  | { readonly kind: 'party-held' | 'party-resumed'; readonly side: Side };

/**
 * a transfer of the caller (call-transfer.ts): started, then completed (the target bridged) or
 * failed with a SIP status; an attended transfer (attended-transfer.ts) reports 'completed' on
 * both calls it joined, with the party each is now connected to as the target
 */
export interface TransferProgress {
  readonly target: string;
  readonly by: 'caller' | 'callee' | 'api';
  readonly result: 'started' | 'completed' | 'failed';
  readonly status?: number;
}

export interface CallEventMap {
  transfer: (e: TransferProgress) => void;
  state: (e: { readonly from: CallState; readonly to: CallState }) => void;
  media: (e: MediaChange) => void;
  answered: (e: undefined) => void;
  dtmf: (e: { readonly side: Side; readonly digit: string; readonly durationMs: number; readonly method: DtmfEvent['method'] }) => void;
  close: (record: CallRecord) => void;
}

export class CallEvents {
  readonly #listeners = new Map<keyof CallEventMap, Set<(e: never) => void>>();

  on<E extends keyof CallEventMap>(event: E, listener: CallEventMap[E]): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (e: never) => void);
    return () => set.delete(listener as (e: never) => void);
  }

  emit<E extends keyof CallEventMap>(event: E, payload: Parameters<CallEventMap[E]>[0]): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) (listener as (e: typeof payload) => void)(payload);
  }
}
