// A typed event bus for TransportEvents whose emit contains listener exceptions
// (CONVENTIONS.md §3 safeEmit): a throwing listener is logged, the next one still runs.
import type { Logger } from '../logger.js';
import type { TransportEvents } from './types.js';
import { describeError } from './context.js';

type ListenerLists = { [E in keyof TransportEvents]: Array<TransportEvents[E]> };

export class TransportEventBus {
  readonly #logger: Logger;
  readonly #listeners: ListenerLists = { message: [], 'parse-error': [], 'flow-closed': [] };

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): void {
    this.#listeners[event].push(listener);
  }

  emit<E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    for (const listener of [...this.#listeners[event]]) {
      try {
        (listener as (...a: Parameters<TransportEvents[E]>) => void)(...args);
      } catch (err) {
        this.#logger.error({ err: describeError(err), event }, 'transport event listener threw');
      }
    }
  }
}
