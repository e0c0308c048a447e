// The active security policy: the profile chosen at run time (security_settings) or, until one is,
// the configured default. Read on every request, so it is cached; set() validates and audits.
import { POLICY_PROFILES, policyProfiles, type PolicyProfile, type SecurityPolicy } from './policy.js';
import { separationConflict } from './roles.js';
import type { AdminUser } from '../store/index.js';

const PROFILE_KEY = 'policy.profile';

export interface PolicySettings {
  setting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string, by: string): Promise<void>;
}

export class PolicyStore {
  readonly #settings: PolicySettings;
  readonly #fallback: PolicyProfile;
  #cached: SecurityPolicy | undefined;
  readonly #listeners = new Set<(p: SecurityPolicy) => void>();

  constructor(o: { settings: PolicySettings; defaultProfile?: PolicyProfile }) {
    this.#settings = o.settings;
    this.#fallback = o.defaultProfile ?? 'default';
  }

  async current(): Promise<SecurityPolicy> {
    if (this.#cached) return this.#cached;
    const stored = await this.#settings.setting(PROFILE_KEY);
    const profile = (policyProfiles as readonly string[]).includes(stored ?? '') ? (stored as PolicyProfile) : this.#fallback;
    this.#cached = POLICY_PROFILES[profile];
    return this.#cached;
  }

  /** Refused (the reason) when mlps3 is chosen while some user holds two administrator roles. */
  async set(o: { profile: PolicyProfile; by: string; users: readonly AdminUser[] }): Promise<string | undefined> {
    const next = POLICY_PROFILES[o.profile];
    if (next.separationOfDuties) {
      const clash = o.users.find((u) => separationConflict(u.roles) !== undefined);
      if (clash) return `user ${clash.username}: ${separationConflict(clash.roles) ?? ''}`;
    }
    await this.#settings.setSetting(PROFILE_KEY, o.profile, o.by);
    this.#cached = next;
    for (const l of this.#listeners) l(next);
    return undefined;
  }

  onChange(listener: (p: SecurityPolicy) => void): void {
    this.#listeners.add(listener);
  }
}
