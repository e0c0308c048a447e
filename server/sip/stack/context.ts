// What the parts of the core share: the transport, time, the transaction index, policy and hooks.
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { SipMessage } from '../message/types.js';
import type { TransactionManager } from '../transaction/manager.js';
import type { TimerValues } from '../transaction/timers.js';
import type { Flow, SendTarget, TransportLayer } from '../transport/types.js';
import type { SipStackObserver } from './types.js';

export interface CoreContext {
  readonly transport: TransportLayer;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timers: TimerValues;
  readonly manager: TransactionManager;
  readonly allow: readonly string[];
  readonly supported: readonly string[];
  readonly accept: readonly string[];
  readonly userAgent: string | undefined;
  readonly observer: SipStackObserver | undefined;
  /** transport.send with the observer's 'out' count; rejects like transport.send */
  send(message: SipMessage, to: Flow | SendTarget): Promise<Flow>;
}

/** Call an observer hook without letting a monitoring bug steer or break signalling (CONVENTIONS.md §4). */
export function observe(ctx: Pick<CoreContext, 'observer' | 'logger'>, fn: (o: SipStackObserver) => void): void {
  if (!ctx.observer) return;
  try {
    fn(ctx.observer);
  } catch (err) {
    ctx.logger.warn({ err: String(err) }, 'sip observer threw');
  }
}

export const labelOf = (message: SipMessage): string | number => (message.kind === 'request' ? message.method : message.status);
