// DTMF between the two phones of a call whose media the engine decodes. In pass-through the
// relay carries the RFC 4733 telephone-event packets from phone to phone untouched; when the legs
// share no codec (or the call is mixed for a supervisor) the worker decodes and re-encodes, the
// events stop at the receiving endpoint and become an engine 'dtmf' event, and the other phone
// would never hear the digit. Asterisk regenerates such digits towards the other channel; so do we,
// as RFC 4733 events from the endpoint facing the other phone (EndpointHandle.sendDtmf).
//
// What is not re-sent, and why:
// - pass-through: the packets already went through; sending them again would double the digit;
// - in-band tones: they are part of the audio, which the transcoder carries to the other phone;
// - SIP INFO (RFC 6086): in-dialog.ts relays the INFO request itself to the other party.
import type { EndpointHandle } from '../../media/index.js';
import type { Logger } from '../sip/index.js';
import type { DtmfEvent } from './types.js';

/** RFC 4733 §2.5.1.3 leaves the duration to the sender; these keep a receiver's detection reliable */
const MIN_MS = 40;
const MAX_MS = 2000;
const DEFAULT_MS = 100;

export interface DtmfDigit {
  /** the call the digit belongs to: digits of one call go out in the order they came in */
  readonly callId: string;
  readonly digit: string;
  readonly durationMs: number;
  readonly method: DtmfEvent['method'];
  /** the endpoint facing the phone that sent the digit (its stats say whether the worker decodes it) */
  readonly from: Pick<EndpointHandle, 'stats'>;
  /** the endpoint facing the other phone */
  readonly to: Pick<EndpointHandle, 'sendDtmf'>;
}

export const forwardedDuration = (ms: number): number => (Number.isFinite(ms) && ms > 0 ? Math.min(MAX_MS, Math.max(MIN_MS, Math.round(ms))) : DEFAULT_MS);

export class DtmfForwarder {
  readonly #logger: Logger;
  /** per call, the digit being looked at: the next waits for it, so digits keep their order */
  readonly #chains = new Map<string, Promise<void>>();

  constructor(options: { readonly logger: Logger }) {
    this.#logger = options.logger;
  }

  /** Resolves once the digit was sent on or left alone (tests wait on it; call control does not). */
  digit(d: DtmfDigit): Promise<void> {
    if (d.method !== 'rfc4733') return Promise.resolve();
    const before = this.#chains.get(d.callId) ?? Promise.resolve();
    const next = before.then(() => this.#forward(d));
    this.#chains.set(d.callId, next);
    void next.then(() => {
      if (this.#chains.get(d.callId) === next) this.#chains.delete(d.callId);
    });
    return next;
  }

  async #forward(d: DtmfDigit): Promise<void> {
    try {
      // the worker's own word on the path: 'transcoding' is set while it decodes this endpoint's
      // media (two-party transcoder, or a room such as a supervisor's), when events are not relayed
      const stats = await d.from.stats();
      if (stats.transcoding !== true) return;
      d.to.sendDtmf(d.digit, forwardedDuration(d.durationMs));
    } catch (err) {
      this.#logger.warn({ call: d.callId, err: String(err) }, 'DTMF not forwarded to the other party');
    }
  }
}
