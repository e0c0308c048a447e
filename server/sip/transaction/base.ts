// Shared machinery of the four RFC 3261 §17 state machines: a transition table that rejects
// illegal moves, named timers that are only allowed in listed states, and the one place where
// timers are cleaned up (transition()), so no timer can fire into a state that does not own it.
import type { Clock, TimerHandle } from '../clock.js';
import type { SipMessage } from '../message/types.js';
import type { TimerValues } from './timers.js';

export interface StateSpec<S extends string, T extends string> {
  readonly initial: S;
  readonly terminal: S;
  /** allowed moves: from → the states it may enter */
  readonly transitions: Readonly<Record<S, readonly S[]>>;
  /** the timers that may run in each state; entering a state stops every other timer */
  readonly timers: Readonly<Record<S, readonly T[]>>;
}

/** What every transaction needs from outside: time, timer values, and a way to put bytes on the wire. */
export interface TransactionContext {
  readonly clock: Clock;
  readonly timers: TimerValues;
  /** TCP, TLS, WS, WSS: no retransmissions, zero-length wait timers (RFC 3261 §17.1.1.2, §17.2.1) */
  readonly reliable: boolean;
  /**
   * Hand a message to the transport. Asynchronous failures come back through the transaction's
   * transportError() (RFC 3261 §17.1.4, §17.2.4).
   */
  readonly send: (message: SipMessage) => void;
}

export abstract class Transaction<S extends string, T extends string> {
  readonly #spec: StateSpec<S, T>;
  readonly #clock: Clock;
  readonly #running = new Map<T, TimerHandle>();
  readonly #terminatedListeners: Array<() => void> = [];
  #state: S;

  protected constructor(spec: StateSpec<S, T>, clock: Clock) {
    this.#spec = spec;
    this.#clock = clock;
    this.#state = spec.initial;
  }

  get state(): S {
    return this.#state;
  }

  get terminated(): boolean {
    return this.#state === this.#spec.terminal;
  }

  /** Names of timers now running (for tests and diagnostics). */
  runningTimers(): T[] {
    return [...this.#running.keys()];
  }

  /** Called once, when the transaction reaches its terminal state. */
  onTerminated(listener: () => void): void {
    if (this.terminated) listener();
    else this.#terminatedListeners.push(listener);
  }

  /**
   * Move to another state. Illegal moves are refused (false) rather than thrown, so a late timer
   * or a duplicate message can never take the process down. Timers not allowed in the new state
   * are stopped here and only here.
   */
  protected transition(to: S): boolean {
    if (!this.#spec.transitions[this.#state].includes(to)) return false;
    this.#state = to;
    const allowed = this.#spec.timers[to];
    for (const [name, handle] of this.#running) {
      if (!allowed.includes(name)) {
        this.#clock.clearTimeout(handle);
        this.#running.delete(name);
      }
    }
    if (to === this.#spec.terminal) {
      const listeners = this.#terminatedListeners.splice(0);
      for (const listener of listeners) listener();
    }
    return true;
  }

  /** Start (or restart) a named timer; refused when the current state does not own it. */
  protected startTimer(name: T, ms: number, fire: () => void): boolean {
    if (!this.#spec.timers[this.#state].includes(name)) return false;
    this.stopTimer(name);
    const handle = this.#clock.setTimeout(() => {
      // A timer may only fire into the state that started it; transition() removes the others.
      if (this.#running.get(name) !== handle) return;
      this.#running.delete(name);
      fire();
    }, ms);
    this.#running.set(name, handle);
    return true;
  }

  protected stopTimer(name: T): void {
    const handle = this.#running.get(name);
    if (handle) {
      this.#clock.clearTimeout(handle);
      this.#running.delete(name);
    }
  }
}

/** A final response is 200-699; 1xx is provisional (RFC 3261 §7.2). */
export const isProvisional = (status: number): boolean => status >= 100 && status < 200;
export const isSuccess = (status: number): boolean => status >= 200 && status < 300;
export const isFailure = (status: number): boolean => status >= 300 && status < 700;
