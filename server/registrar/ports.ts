// What the registrar needs from the rest of the server. server/app adapts server/store and
// server/security to these, so the registrar is tested with in-memory fakes and real ones alike.
import type { Flow } from '../sip/transport/types.js';

/** A location-service binding (RFC 3261 §10.3): one Contact of one address-of-record. */
export interface Binding {
  /** address-of-record, canonical "sip:1001@domain" */
  readonly aor: string;
  /** the Contact URI as registered */
  readonly contact: string;
  readonly q: number;
  /** ms since epoch */
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  /** the flow the REGISTER came on: how to reach the phone behind NAT (RFC 3581, RFC 5626) */
  readonly flow: Flow;
  /** the REGISTER's source after rport/received */
  readonly source: { readonly address: string; readonly port: number };
  readonly userAgent?: string;
  /** RFC 5626 +sip.instance, when given */
  readonly instanceId?: string;
  readonly updatedAt: number;
}

/** Credentials as stored: never the password, only what digest needs (HA1 per algorithm). */
export interface DigestCredentials {
  readonly username: string;
  readonly realm: string;
  /** hex MD5(username:realm:password) */
  readonly ha1Md5: string;
  /** hex SHA-256(username:realm:password) */
  readonly ha1Sha256: string;
  /** further passwords of the user (provisioned desk phones' own), as HA1 pairs */
  readonly alternates?: readonly { readonly ha1Md5: string; readonly ha1Sha256: string }[];
}

export interface CredentialLookup {
  /** undefined when no such extension: the caller must not reveal that (no enumeration) */
  find(username: string): Promise<DigestCredentials | undefined>;
  /**
   * The credentials when they are at hand without I/O (a cache hit), null when the user is known
   * not to exist (a cached miss), else undefined: "ask find()". Lets an authenticated REGISTER run
   * to its durable write without waiting on a promise, and an unknown user take the same path.
   */
  findCached?(username: string): DigestCredentials | null | undefined;
  /**
   * Reads the store for this user whatever the caches hold. A failed attempt answered from the
   * cache waits for it before its 401, so every failure costs one store read, whether the user is
   * known, unknown, cached or not, and the time to a 401 tells nothing (issue 18, finding 6).
   */
  recheck?(username: string): Promise<unknown>;
}

/**
 * Durable bindings. save/remove resolve once the change is committed (group commit through the
 * batching writer), so a 200 OK is only sent for a binding that survives kill -9.
 */
export interface BindingPersistence {
  // save/remove may reject with an error carrying `retryAfterSeconds` when the store is overloaded
  // (the batching writer's queue is full): the REGISTER is then answered 503 with Retry-After.
  loadAll(): Promise<Binding[]>;
  save(binding: Binding): Promise<void>;
  remove(aor: string, contact: string): Promise<void>;
  removeExpired(now: number): Promise<number>;
}

/** A digest authentication's outcome, for the ban list: who tried, as whom, and why it failed. */
export interface AuthAttempt {
  readonly source: string;
  /** the digest username, when the credentials named one */
  readonly username?: string;
  /** why it failed (VerifyFailureReason or a policy reason); absent on success */
  readonly reason?: string;
}

export interface SecurityEvent {
  readonly kind: 'auth-failure' | 'ban' | 'rate-limit' | 'unban';
  readonly source: string;
  readonly detail: Record<string, unknown>;
}

export interface SecuritySink {
  record(event: SecurityEvent): void;
}
