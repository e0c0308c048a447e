// Digit collection on a call (Asterisk's Read(), jambonz's gather without speech): the caller's
// digits, however they arrive (RFC 4733 events and in-band tones from the media engine, SIP INFO
// per RFC 6086: all become the call's 'dtmf' event), until enough digits, a terminator, a
// timeout, or the call's end. Timers run on the injected clock.
import type { Clock, TimerHandle } from '../sip/index.js';
import type { CallEvents } from './call-events.js';

export interface CollectDigitsOptions {
  /** stop after this many digits (terminators not counted) */
  readonly max: number;
  /** digits that end collection at once and are not part of the result ('#' by default) */
  readonly terminators?: string;
  /** how long to wait for the first digit */
  readonly firstDigitTimeoutMs: number;
  /** how long to wait for each further digit */
  readonly interDigitTimeoutMs: number;
}

export type CollectEnd = 'max' | 'terminator' | 'first-digit-timeout' | 'inter-digit-timeout' | 'call-ended';

export interface CollectedDigits {
  readonly digits: string;
  readonly reason: CollectEnd;
  /** the terminator pressed, when reason is 'terminator' */
  readonly terminator?: string;
}

export function collectDigits(o: { readonly events: CallEvents; readonly clock: Clock; readonly options: CollectDigitsOptions }): Promise<CollectedDigits> {
  const { max, firstDigitTimeoutMs, interDigitTimeoutMs } = o.options;
  const terminators = o.options.terminators ?? '#';
  return new Promise((resolve) => {
    let digits = '';
    let timer: TimerHandle | undefined;
    const finish = (reason: CollectEnd, terminator?: string): void => {
      if (timer !== undefined) o.clock.clearTimeout(timer);
      offDigit();
      offClose();
      resolve({ digits, reason, ...(terminator !== undefined ? { terminator } : {}) });
    };
    const arm = (ms: number, reason: CollectEnd): void => {
      if (timer !== undefined) o.clock.clearTimeout(timer);
      timer = o.clock.setTimeout(() => finish(reason), ms);
    };
    const offDigit = o.events.on('dtmf', (e) => {
      // the caller's digits only: a bridged callee's are its own business
      if (e.side !== 'caller') return;
      if (terminators.includes(e.digit)) return finish('terminator', e.digit);
      digits += e.digit;
      if (digits.length >= max) return finish('max');
      arm(interDigitTimeoutMs, 'inter-digit-timeout');
    });
    const offClose = o.events.on('close', () => finish('call-ended'));
    if (max <= 0) return finish('max');
    arm(firstDigitTimeoutMs, 'first-digit-timeout');
  });
}
