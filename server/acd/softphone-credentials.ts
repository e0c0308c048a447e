// SIP passwords for the agent workspace's softphone (issue 16). The extension's own password is
// stored only as digest HA1, so the server cannot give it to the browser, and the agent should not
// need to know it. Instead the signed-in agent is issued a random password of its own for its
// extension (POST /api/v1/acd/me/softphone), valid `ttlMs`, held in memory as HA1 pairs only and
// added to the extension's credentials as alternates (as provisioned desk phones' passwords are):
// the registrar and the B2BUA accept it like the extension's password. A restart forgets them all
// (the console asks again); each extension keeps at most MAX_PER_EXTENSION, the oldest dropped.
import { randomBytes } from 'node:crypto';
import { computeHa1, type Clock } from '../sip/index.js';
import { withAlternates, type AlternatesLookup } from '../registrar/alternates.js';

const MAX_PER_EXTENSION = 4;

interface Issued {
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
  readonly expiresAt: number;
}

export interface SoftphoneCredential {
  readonly username: string;
  /** random, 32 bytes base64url; shown once, in the answer that issues it */
  readonly password: string;
  readonly expiresAt: number;
}

export class SoftphoneCredentials {
  readonly #clock: Clock;
  readonly #realm: string;
  readonly #ttlMs: number;
  readonly #issued = new Map<string, Issued[]>();

  constructor(o: { clock: Clock; realm: string; ttlMs: number }) {
    this.#clock = o.clock;
    this.#realm = o.realm;
    this.#ttlMs = o.ttlMs;
  }

  issue(extension: string): SoftphoneCredential {
    const password = randomBytes(32).toString('base64url');
    const expiresAt = this.#clock.now() + this.#ttlMs;
    const entry = { ha1Md5: computeHa1('MD5', extension, this.#realm, password), ha1Sha256: computeHa1('SHA-256', extension, this.#realm, password), expiresAt };
    this.#issued.set(extension, [...this.#live(extension), entry].slice(-MAX_PER_EXTENSION));
    return { username: extension, password, expiresAt };
  }

  /** the HA1 pairs of the extension's unexpired softphone passwords */
  alternatesOf(extension: string): { ha1Md5: string; ha1Sha256: string }[] {
    return this.#live(extension).map(({ ha1Md5, ha1Sha256 }) => ({ ha1Md5, ha1Sha256 }));
  }

  #live(extension: string): Issued[] {
    const now = this.#clock.now();
    const live = (this.#issued.get(extension) ?? []).filter((e) => e.expiresAt > now);
    if (live.length === 0) this.#issued.delete(extension);
    else this.#issued.set(extension, live);
    return live;
  }

  /** a credential lookup (the registrar's, the B2BUA's) with the softphone passwords added as alternates */
  wrap<C extends { readonly username: string; readonly alternates?: readonly { readonly ha1Md5: string; readonly ha1Sha256: string }[] }>(lookup: AlternatesLookup<C>) {
    return withAlternates(lookup, (username) => this.alternatesOf(username));
  }
}
