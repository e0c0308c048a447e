// Unknown-MAC scans of the provisioning service: a source that asks for the files of many MACs Hailing
// does not know is walking the address space for credentials (the attack on auto-provisioning
// servers that leaked SIP passwords by MAC). The first source over the threshold within the window
// trips one alert; its later unknown MACs are not added to the pending list, so a scan cannot
// flood it. Pure: time comes from the injected clock.
import type { Clock } from '../sip/clock.js';

export interface ScanGuardOptions {
  readonly clock: Clock;
  /** distinct unknown MACs from one source within windowMs that make a scan */
  readonly threshold: number;
  readonly windowMs: number;
  /** sources tracked at once; the oldest is forgotten first */
  readonly maxTracked?: number;
}

interface SourceState {
  macs: Set<string>;
  since: number;
  alerted: boolean;
}

export type ScanVerdict = 'ok' | 'tripped' | 'scanning';

export class ScanGuard {
  readonly #o: ScanGuardOptions;
  readonly #sources = new Map<string, SourceState>();

  constructor(options: ScanGuardOptions) {
    this.#o = options;
  }

  /** Notes an unknown MAC asked for by `source`: 'tripped' the first time it crosses the threshold. */
  unknownMac(source: string, mac: string): ScanVerdict {
    const now = this.#o.clock.now();
    let state = this.#sources.get(source);
    if (state === undefined || (now - state.since > this.#o.windowMs && !state.alerted) || now - state.since > 2 * this.#o.windowMs) {
      state = { macs: new Set(), since: now, alerted: false };
      this.#sources.delete(source);
      if (this.#sources.size >= (this.#o.maxTracked ?? 10_000)) {
        const oldest = this.#sources.keys().next().value;
        if (oldest !== undefined) this.#sources.delete(oldest);
      }
      this.#sources.set(source, state);
    }
    if (state.alerted) return 'scanning';
    state.macs.add(mac);
    if (state.macs.size < this.#o.threshold) return 'ok';
    state.alerted = true;
    return 'tripped';
  }

  /** how many distinct unknown MACs the source asked for in its current window */
  count(source: string): number {
    return this.#sources.get(source)?.macs.size ?? 0;
  }
}
