// The registrar's public shape: options (everything injected, CONVENTIONS.md §6) and its API.
import type { DigestAuthenticator } from '../sip/auth/digest.js';
import type { Clock } from '../sip/clock.js';
import type { Logger } from '../sip/logger.js';
import type { RequestHandler, SipStack, StatelessHandler } from '../sip/stack/types.js';
import type { TransportLayer } from '../sip/transport/types.js';
import type { AuthAttempt, Binding, BindingPersistence, CredentialLookup } from './ports.js';

export interface RegistrarOptions {
  /** the SIP domain served; also the digest realm (the authenticator's realm must match) */
  readonly domain: string;
  /** other host names/addresses the Request-URI and To may carry (listening addresses, DNS names) */
  readonly aliases?: readonly string[];
  readonly authenticator: DigestAuthenticator;
  readonly credentials: CredentialLookup;
  readonly persistence: BindingPersistence;
  readonly clock: Clock;
  readonly logger: Logger;
  /** seconds (defaults 60 / 3600 / 3600) */
  readonly minExpires?: number;
  readonly maxExpires?: number;
  readonly defaultExpires?: number;
  /** contacts one AOR may hold (default 10) */
  readonly maxContactsPerAor?: number;
  /** NAT keepalive period, ms (default 30000; 0 disables) */
  readonly keepaliveIntervalMs?: number;
  /** expiry sweep period, ms (default 10000) */
  readonly sweepIntervalMs?: number;
  /** for OPTIONS keepalives on UDP flows */
  readonly stack?: Pick<SipStack, 'request'>;
  /** for CRLF keepalives on stream flows */
  readonly transport?: Pick<TransportLayer, 'keepalive' | 'isAlive'>;
  /** a failed digest check that may be a password guess (server/app feeds the BanList) */
  readonly onAuthFailure?: (attempt: AuthAttempt) => void;
  readonly onAuthSuccess?: (attempt: AuthAttempt) => void;
  /** the number of live bindings after each change, for metrics */
  readonly onBindingsChanged?: (count: number) => void;
}

export interface BindingChange {
  readonly aor: string;
  readonly bindings: readonly Binding[];
}

export interface RegistrarEvents {
  change: (change: BindingChange) => void;
}

export interface Registrar {
  readonly handler: RequestHandler;
  /** RFC 3261 §8.2.7: answers credential-less REGISTERs with a stateless 401; for SipStack.useStateless */
  readonly statelessHandler: StatelessHandler;
  /** every live binding */
  bindings(): Binding[];
  /** live bindings of an AOR, highest q first, then most recently refreshed */
  lookup(aor: string): Binding[];
  /** load persisted bindings (purging expired ones) and start the sweep and keepalive timers */
  start(): Promise<void>;
  /** stop timers and wait for registrations in progress; idempotent */
  close(): Promise<void>;
  on<E extends keyof RegistrarEvents>(event: E, listener: RegistrarEvents[E]): void;
  off<E extends keyof RegistrarEvents>(event: E, listener: RegistrarEvents[E]): void;
}

