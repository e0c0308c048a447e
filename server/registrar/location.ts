// The location service (RFC 3261 §10): bindings in memory, keyed by AOR, with expiry. The registrar
// persists every change before applying it here; this class only holds what survived persistence.
import type { Binding } from './ports.js';

export class LocationService {
  readonly #byAor = new Map<string, Binding[]>();

  /** Unexpired bindings of an AOR. */
  live(aor: string, now: number): Binding[] {
    return (this.#byAor.get(aor) ?? []).filter((b) => b.expiresAt > now);
  }

  /** Replace an AOR's bindings with the outcome of a registration. */
  replace(aor: string, bindings: readonly Binding[]): void {
    if (bindings.length === 0) this.#byAor.delete(aor);
    else this.#byAor.set(aor, [...bindings]);
  }

  /** Add one binding (restoring from persistence), replacing one with the same Contact. */
  restore(binding: Binding): void {
    const list = (this.#byAor.get(binding.aor) ?? []).filter((b) => b.contact !== binding.contact);
    list.push(binding);
    this.#byAor.set(binding.aor, list);
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

  count(now: number): number {
    let n = 0;
    for (const list of this.#byAor.values()) for (const b of list) if (b.expiresAt > now) n++;
    return n;
  }

  clear(): void {
    this.#byAor.clear();
  }
}
