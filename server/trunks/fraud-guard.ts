// Toll-fraud guard: limits on outbound calls through trunks, per extension and for the whole
// server, per minute (a sliding 60 s window) and at once. A call over a limit is refused; the
// first refusal of a run trips an alert (the WebSocket stream and the audit log hear it once, not
// once per refused call, until a call under that limit passes again).
import type { Clock } from '../sip/index.js';

export interface FraudLimits {
  readonly perExtensionPerMinute: number;
  readonly globalPerMinute: number;
  readonly perExtensionConcurrent: number;
  readonly globalConcurrent: number;
}

export type FraudLimitName = 'extension-per-minute' | 'global-per-minute' | 'extension-concurrent' | 'global-concurrent';

export interface FraudTrip {
  readonly limit: FraudLimitName;
  readonly extension: string;
  readonly max: number;
  readonly at: number;
}

export type Admission = { readonly ok: true; readonly release: () => void } | { readonly ok: false; readonly limit: FraudLimitName };

const WINDOW_MS = 60_000;

export class TollFraudGuard {
  readonly #clock: Clock;
  readonly #limits: FraudLimits;
  readonly #tripped: (trip: FraudTrip) => void;
  readonly #starts = new Map<string, number[]>();
  #globalStarts: number[] = [];
  readonly #active = new Map<string, number>();
  #globalActive = 0;
  /** limits tripped and not yet passed again ("limit\nextension") */
  readonly #alerted = new Set<string>();

  constructor(options: { clock: Clock; limits: FraudLimits; tripped: (trip: FraudTrip) => void }) {
    this.#clock = options.clock;
    this.#limits = options.limits;
    this.#tripped = options.tripped;
  }

  /** A new outbound call from `extension`: admitted (release it when the call ends) or refused. */
  admit(extension: string): Admission {
    const now = this.#clock.now();
    const recent = (this.#starts.get(extension) ?? []).filter((t) => now - t < WINDOW_MS);
    this.#globalStarts = this.#globalStarts.filter((t) => now - t < WINDOW_MS);
    const l = this.#limits;
    const over: [FraudLimitName, number, number][] = [
      ['extension-per-minute', recent.length, l.perExtensionPerMinute],
      ['global-per-minute', this.#globalStarts.length, l.globalPerMinute],
      ['extension-concurrent', this.#active.get(extension) ?? 0, l.perExtensionConcurrent],
      ['global-concurrent', this.#globalActive, l.globalConcurrent],
    ];
    for (const [limit, value, max] of over) {
      const key = `${limit}\n${limit.startsWith('global') ? '' : extension}`;
      if (value < max) {
        this.#alerted.delete(key);
        continue;
      }
      this.#starts.set(extension, recent);
      if (!this.#alerted.has(key)) {
        this.#alerted.add(key);
        this.#tripped({ limit, extension, max, at: now });
      }
      return { ok: false, limit };
    }
    recent.push(now);
    this.#starts.set(extension, recent);
    this.#globalStarts.push(now);
    this.#active.set(extension, (this.#active.get(extension) ?? 0) + 1);
    this.#globalActive++;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.#globalActive--;
        const n = (this.#active.get(extension) ?? 1) - 1;
        if (n <= 0) this.#active.delete(extension);
        else this.#active.set(extension, n);
      },
    };
  }
}
