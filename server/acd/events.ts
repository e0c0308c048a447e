// The ACD's typed events. Observers (queue_log, metrics, the WebSocket feed, the record writer)
// listen here and never steer; a listener that throws is logged and the others still run.
import type { Logger } from '../sip/index.js';
import type { Agent, AgentState } from './agent.js';
import type { Decision, Interaction, InteractionOutcome, InteractionRecord } from './interaction.js';

export interface AcdEventMap {
  entered: { readonly interaction: Interaction; readonly position: number };
  offered: { readonly interaction: Interaction; readonly agentIds: readonly string[]; readonly decision: Decision };
  'ring-no-answer': { readonly interaction: Interaction; readonly agentId: string; readonly ringMs: number };
  connected: { readonly interaction: Interaction; readonly agentId: string; readonly waitMs: number; readonly ringMs: number };
  completed: { readonly interaction: Interaction; readonly agentId: string; readonly by: 'caller' | 'agent'; readonly waitMs: number; readonly talkMs: number };
  /** left the queue unanswered (or was refused at the door) */
  left: { readonly interaction: Interaction; readonly outcome: Exclude<InteractionOutcome, 'answered'>; readonly position: number; readonly waitMs: number; readonly key?: string };
  priority: { readonly interaction: Interaction; readonly position: number };
  callback: { readonly interaction: Interaction; readonly result: 'requested' | 'not-reached' };
  agent: { readonly agent: Agent; readonly from: AgentState; readonly to: AgentState; readonly reason: string | null };
  login: { readonly agent: Agent };
  logout: { readonly agent: Agent; readonly loginMs: number };
  record: { readonly record: InteractionRecord };
}

type Listener<E extends keyof AcdEventMap> = (e: AcdEventMap[E]) => void;

export class AcdEvents {
  readonly #listeners = new Map<keyof AcdEventMap, Set<Listener<never>>>();
  readonly #logger: Logger;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<E extends keyof AcdEventMap>(event: E, listener: Listener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => set.delete(listener as Listener<never>);
  }

  emit<E extends keyof AcdEventMap>(event: E, payload: AcdEventMap[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of set) {
      try {
        (listener as Listener<E>)(payload);
      } catch (err) {
        this.#logger.error({ event, err: err instanceof Error ? err.stack : String(err) }, 'ACD listener failed');
      }
    }
  }
}
