// Pausing a recording from the phone's keypad (PCI DSS: the agent keys the code before the caller
// reads out a card number, and again after): `*` and the code's digit(s) within a few seconds of
// each other, from a party that is one of our extensions, toggle the call's recording. A caller on
// a trunk cannot switch the recording of its own call off.
import type { Clock } from '../sip/index.js';
import type { DtmfEvent } from './types.js';

export interface RecordingKeypadOptions {
  /** e.g. '*1': a star and one or more digits; '' turns the feature off */
  readonly code: string;
  readonly clock: Clock;
  /** whether the number is one of our extensions (only they may use the code) */
  readonly isExtension: (number: string) => Promise<boolean>;
  readonly paused: (callId: string) => boolean;
  /** false when the call is not being recorded */
  readonly pause: (callId: string, paused: boolean) => boolean;
  readonly onToggle?: (e: { readonly callId: string; readonly by: string; readonly paused: boolean }) => void;
}

/** the digits of a code must follow each other this closely */
const WITHIN_MS = 3000;

export class RecordingKeypad {
  readonly #o: RecordingKeypadOptions;
  /** per call and leg: what has been keyed of the code so far, and when */
  readonly #typed = new Map<string, { readonly sofar: string; readonly at: number }>();

  constructor(o: RecordingKeypadOptions) {
    if (o.code !== '' && !/^\*[0-9]{1,4}$/.test(o.code)) throw new RangeError(`recording pause code '${o.code}' is not * and 1 to 4 digits`);
    this.#o = o;
  }

  /** one DTMF digit of a call; resolves once any toggle it caused is done */
  async digit(e: DtmfEvent): Promise<void> {
    const code = this.#o.code;
    if (code === '') return;
    const key = `${e.callId} ${e.leg}`;
    const now = this.#o.clock.now();
    const before = this.#typed.get(key);
    const sofar = (before !== undefined && now - before.at <= WITHIN_MS ? before.sofar : '') + e.digit;
    if (!code.startsWith(sofar)) {
      // a star starts the code afresh; anything else clears it
      if (e.digit === '*') this.#typed.set(key, { sofar: '*', at: now });
      else this.#typed.delete(key);
      return;
    }
    if (sofar !== code) {
      this.#typed.set(key, { sofar, at: now });
      return;
    }
    this.#typed.delete(key);
    const by = e.leg === 'caller' ? e.caller : e.callee;
    if (!(await this.#o.isExtension(by))) return;
    const paused = !this.#o.paused(e.callId);
    if (this.#o.pause(e.callId, paused)) this.#o.onToggle?.({ callId: e.callId, by, paused });
  }

  /** the call ended: forget what its parties keyed */
  forget(callId: string): void {
    for (const k of this.#typed.keys()) if (k.startsWith(`${callId} `)) this.#typed.delete(k);
  }
}
