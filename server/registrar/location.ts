// The location service (RFC 3261 §10): bindings in memory, keyed by AOR, with expiry. The registrar
// persists every change before applying it here; this class only holds what survived persistence.
import type { Binding } from './ports.js';

export class LocationService {
  readonly #byAor = new Map<string, Binding[]>();
  /** bindings held, expired or not: kept as a running total so count() costs O(1) per REGISTER */
  #size = 0;

  /** Unexpired bindings of an AOR. */
  live(aor: string, now: number): Binding[] {
    return (this.#byAor.get(aor) ?? []).filter((b) => b.expiresAt > now);
  }

  /** Replace an AOR's bindings with the outcome of a registration. */
  replace(aor: string, bindings: readonly Binding[]): void {
    this.#size += bindings.length - (this.#byAor.get(aor)?.length ?? 0);
    if (bindings.length === 0) this.#byAor.delete(aor);
    else this.#byAor.set(aor, [...bindings]);
  }

  /** Add one binding (restoring from persistence), replacing one with the same Contact. */
  restore(binding: Binding): void {
    const list = (this.#byAor.get(binding.aor) ?? []).filter((b) => b.contact !== binding.contact);
    list.push(binding);
    this.replace(binding.aor, list);
  }

  /** Drop expired bindings; returns the AORs that changed. */
  purgeExpired(now: number): string[] {
    const changed: string[] = [];
    for (const [aor, list] of this.#byAor) {
      const kept = list.filter((b) => b.expiresAt > now);
      if (kept.length === list.length) continue;
      changed.push(aor);
      this.replace(aor, kept);
    }
    return changed;
  }

  all(now: number): Binding[] {
    const out: Binding[] = [];
    for (const list of this.#byAor.values()) for (const b of list) if (b.expiresAt > now) out.push(b);
    return out;
  }

  /**
   * Bindings held. Expired ones count until the next purgeExpired() (the registrar's sweep, which
   * reports the count again), so the figure is exact after every sweep without scanning all
   * bindings on every REGISTER.
   */
  count(): number {
    return this.#size;
  }

  clear(): void {
    this.#byAor.clear();
    this.#size = 0;
  }
}
