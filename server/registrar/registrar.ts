// The registrar (RFC 3261 §10.3): authenticates REGISTER requests with digest, keeps the location
// service, persists every change before answering, expires bindings, and keeps NAT flows alive.
// It depends only on the SIP core and on ports.ts; server/app wires store and security to it.
import type { TimerHandle } from '../sip/clock.js';
import { getExpires, getHeader } from '../sip/message/headers.js';
import { parseUri } from '../sip/message/uri.js';
import type { SipUri } from '../sip/message/types.js';
import type { IncomingRequest, ReplyOptions, RequestHandler, StatelessHandler } from '../sip/stack/types.js';
import { challengeValues, presentedCredentials, verifyPresented, type AuthOutcome, type PresentedCredentials } from './authenticate.js';
import { inspectRegister, stripBrackets, type Inspected } from './inspect.js';
import { KeepaliveScheduler } from './keepalive.js';
import { LocationService } from './location.js';
import type { Binding, DigestCredentials } from './ports.js';
import { planRegister, type ExpiryLimits } from './register-plan.js';
import { challengeReply, errorReply, okReply } from './responses.js';
import { ChallengeMemo } from './challenge-memo.js';
import type { BindingChange, Registrar, RegistrarEvents, RegistrarOptions } from './types.js';

export type { BindingChange, Registrar, RegistrarEvents, RegistrarOptions } from './types.js';

export function createRegistrar(options: RegistrarOptions): Registrar {
  return new RegistrarImpl(options);
}

class RegistrarImpl implements Registrar {
  readonly #o: RegistrarOptions;
  readonly #limits: ExpiryLimits;
  readonly #maxContacts: number;
  readonly #location = new LocationService();
  readonly #hosts: ReadonlySet<string>;
  readonly #keepalive: KeepaliveScheduler;
  readonly #listeners = new Map<keyof RegistrarEvents, Set<RegistrarEvents['change']>>();
  /** per-AOR tail of the update chain: registrations of one AOR are applied one at a time */
  readonly #locks = new Map<string, Promise<void>>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #challenges: ChallengeMemo;
  #sweepTimer: TimerHandle | undefined;
  #state: 'new' | 'started' | 'closed' = 'new';
  readonly handler: RequestHandler;
  readonly statelessHandler: StatelessHandler;

  constructor(options: RegistrarOptions) {
    this.#o = options;
    this.#limits = { minExpires: options.minExpires ?? 60, maxExpires: options.maxExpires ?? 3600, defaultExpires: options.defaultExpires ?? 3600 };
    this.#maxContacts = options.maxContactsPerAor ?? 10;
    this.#challenges = new ChallengeMemo({ clock: options.clock });
    this.#hosts = new Set([options.domain, ...(options.aliases ?? [])].map(stripBrackets));
    this.#keepalive = new KeepaliveScheduler({
      clock: options.clock,
      logger: options.logger,
      intervalMs: options.keepaliveIntervalMs ?? 30_000,
      stack: options.stack,
      transport: options.transport,
      domain: options.domain,
      bindings: () => this.bindings(),
    });
    this.statelessHandler = (request) => this.#challengeStateless(request);
    this.handler = (request) => {
      if (request.message.method !== 'REGISTER') return false;
      const failed = (error: unknown): void => {
        this.#o.logger.error({ err: error }, 'REGISTER failed');
        request.reply({ status: 500, reason: 'Server Internal Error' });
      };
      try {
        const pending = this.#handle(request);
        if (pending !== undefined) this.#track(pending.catch(failed));
      } catch (error) {
        failed(error);
      }
      return true;
    };
  }

  bindings(): Binding[] {
    return this.#location.all(this.#o.clock.now());
  }

  lookup(aor: string): Binding[] {
    const key = this.#canonicalAor(aor) ?? aor;
    return this.#location
      .live(key, this.#o.clock.now())
      .sort((a, b) => b.q - a.q || b.updatedAt - a.updatedAt);
  }

  async start(): Promise<void> {
    if (this.#state !== 'new') return;
    this.#state = 'started';
    const now = this.#o.clock.now();
    const removed = await this.#o.persistence.removeExpired(now);
    let restored = 0;
    for (const binding of await this.#o.persistence.loadAll()) {
      if (binding.expiresAt <= now) continue;
      this.#location.restore(binding);
      restored++;
    }
    this.#o.logger.info({ restored, purged: removed }, 'registrar bindings loaded');
    this.#o.onBindingsChanged?.(this.#location.count());
    this.#scheduleSweep();
    this.#keepalive.start();
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#sweepTimer) this.#o.clock.clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    this.#keepalive.close();
    await Promise.allSettled([...this.#inFlight]);
  }

  on<E extends keyof RegistrarEvents>(event: E, listener: RegistrarEvents[E]): void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener);
  }

  off<E extends keyof RegistrarEvents>(event: E, listener: RegistrarEvents[E]): void {
    this.#listeners.get(event)?.delete(listener);
  }

  /** Run one expiry sweep now: memory first, then persistence (exposed for tests via the timer). */
  async sweep(): Promise<void> {
    const now = this.#o.clock.now();
    const changed = this.#location.purgeExpired(now);
    for (const aor of changed) this.#emit({ aor, bindings: this.#location.live(aor, now) });
    if (changed.length > 0) this.#o.onBindingsChanged?.(this.#location.count());
    await this.#o.persistence.removeExpired(now);
  }

  #scheduleSweep(): void {
    const interval = this.#o.sweepIntervalMs ?? 10_000;
    this.#sweepTimer = this.#o.clock.setTimeout(() => {
      this.#sweepTimer = undefined;
      if (this.#state !== 'started') return;
      this.#track(this.sweep().catch((error: unknown) => this.#o.logger.error({ err: error }, 'binding sweep failed')));
      this.#scheduleSweep();
    }, interval);
  }

  /** Work close() waits for; `work` must not reject. */
  #track(work: Promise<void>): void {
    this.#inFlight.add(work);
    void work.then(() => this.#inFlight.delete(work));
  }

  #emit(change: BindingChange): void {
    for (const listener of this.#listeners.get('change') ?? []) {
      try {
        listener(change);
      } catch (error) {
        this.#o.logger.error({ err: error }, 'registrar change listener threw');
      }
    }
  }

  #isOurHost(host: string, request: IncomingRequest): boolean {
    const h = stripBrackets(host);
    // The address the request arrived at is ours by definition (a phone configured with our IP).
    return this.#hosts.has(h) || h === stripBrackets(request.flow.local.address);
  }

  /** Our canonical AOR for a sip:user@host of ours: the host becomes the configured domain. */
  #canonicalAor(text: string): string | undefined {
    const uri = parseUri(text);
    if (!uri.ok || (uri.value.scheme !== 'sip' && uri.value.scheme !== 'sips')) return undefined;
    const sip = uri.value as SipUri;
    if (sip.user === undefined || !this.#hosts.has(stripBrackets(sip.host))) return undefined;
    return `sip:${sip.user}@${this.#o.domain.toLowerCase()}`;
  }

  /**
   * RFC 3261 §8.2.7 / §22.1: a REGISTER that passes the pre-authentication checks but carries no
   * credentials at all gets its 401 statelessly, so the first half of every registration costs no
   * transaction. The challenge is the same one the transactional path sends, and counts towards no
   * ban either way; anything else (credentials, if only for another realm, or a request that fails
   * a check) goes on to the transactional handler, which reads the credentials once. A
   * retransmission gets the same challenge again (challenge-memo.ts).
   */
  #challengeStateless(request: IncomingRequest): boolean {
    if (request.message.method !== 'REGISTER') return false;
    if (request.message.headers.some((h) => h.name.length === 13 && h.name.toLowerCase() === 'authorization')) return false;
    if (inspectRegister(request, (host) => this.#isOurHost(host, request)).refuse !== undefined) return false;
    const values = this.#challenges.challengeFor(ChallengeMemo.keyOf(request), () => challengeValues(request.message, this.#o.authenticator, false));
    request.reply(challengeReply(values));
    return true;
  }

  /**
   * Runs synchronously as far as it can: the credential lookup is awaited only when it misses the
   * cache, and the per-AOR lock only when another registration of the AOR is in flight, so a
   * phone's refresh waits on nothing but its durable binding write. Returns the pending rest, if any.
   */
  #handle(request: IncomingRequest): Promise<void> | undefined {
    const inspected = inspectRegister(request, (host) => this.#isOurHost(host, request));
    if (inspected.refuse !== undefined) return void request.reply(inspected.refuse);
    // RFC 3261 §10.3 step 3: authenticate (§22). Unknown users get the same challenge as known ones.
    const presented = presentedCredentials(request, this.#o.authenticator);
    if (presented === undefined) return undefined;
    const lookup = this.#o.credentials;
    const cached = lookup.findCached?.(presented.username);
    // null: cached as no such user, verified against a dummy HA1 on the same synchronous path
    if (cached !== undefined) {
      // a failure answered from the cache waits for one store read, as an uncached lookup would
      const recheck = lookup.recheck?.bind(lookup, presented.username);
      const deferReply = recheck ? (send: () => void) => this.#track(recheck().then(send, send)) : undefined;
      return this.#authorized(request, inspected.parsed, this.#verify(request, presented, cached ?? undefined, deferReply));
    }
    return lookup.find(presented.username).then((found) => this.#authorized(request, inspected.parsed, this.#verify(request, presented, found)));
  }

  #verify(
    request: IncomingRequest,
    presented: PresentedCredentials,
    credentials: DigestCredentials | undefined,
    deferReply?: (send: () => void) => void,
  ): AuthOutcome {
    return verifyPresented({
      request,
      authenticator: this.#o.authenticator,
      logger: this.#o.logger,
      presented,
      credentials,
      isOwnHost: (host) => this.#isOurHost(host, request),
      ...(deferReply ? { deferReply } : {}),
      ...(this.#o.onAuthFailure ? { onFailure: this.#o.onAuthFailure } : {}),
      ...(this.#o.onAuthSuccess ? { onSuccess: this.#o.onAuthSuccess } : {}),
    });
  }

  /** RFC 3261 §10.3 steps 4-8 for an authenticated request (nothing to do after a 401). */
  #authorized(request: IncomingRequest, parsed: Inspected, auth: AuthOutcome): Promise<void> | undefined {
    if (!auth.ok) return undefined;
    const reply = request.reply.bind(request);
    const { toSip, contacts, cseq, callId } = parsed;
    // RFC 3261 §10.3 step 5: the AOR comes from To; it must be in our domain (else 404)
    if (toSip.user === undefined || !this.#isOurHost(toSip.host, request)) return void reply({ status: 404, reason: 'Not Found' });
    // RFC 3261 §10.3 step 4: "the registrar ... MUST determine if the authorized user is authorized
    // to modify registrations for this address-of-record": here, only its own extension (no 404 can
    // leak: an authenticated user registering someone else's AOR gets 403 whether it exists or not).
    if (toSip.user !== auth.username) return void reply({ status: 403, reason: 'Forbidden' });
    const aor = `sip:${toSip.user}@${this.#o.domain.toLowerCase()}`;
    const msg = request.message;

    return this.#withLock(aor, async () => {
      const now = this.#o.clock.now();
      const plan = planRegister({
        aor,
        contacts,
        headerExpires: getExpires(msg),
        callId,
        cseq,
        existing: this.#location.live(aor, now),
        limits: this.#limits,
        maxContacts: this.#maxContacts,
        now,
        flow: request.flow,
        source: request.source,
        userAgent: getHeader(msg, 'User-Agent'),
      });
      if (!plan.ok) return reply(errorReply(plan.error));
      const { save, remove, result } = plan.value;
      // Persist before answering: a 200 OK promises a binding that survives a crash.
      if (save.length > 0 || remove.length > 0) {
        if (!(await this.#persist({ aor, save, remove, reply }))) return;
        this.#location.replace(aor, result);
        this.#emit({ aor, bindings: result });
        this.#o.onBindingsChanged?.(this.#location.count());
        // debug, not info: phones refresh constantly, and a line per REGISTER would flood production logs
        this.#o.logger.debug({ aor, contacts: result.length, source: request.source }, 'registration updated');
      }
      reply(okReply(result, now));
    });
  }

  /**
   * Writes a registration's changes; false when the store is overloaded (its error carries
   * retryAfterSeconds) and the REGISTER was answered 503 (RFC 3261 §21.5.4) with Retry-After
   * (§20.33), so the phone retries instead of failing. Any other error is thrown (a 500).
   */
  async #persist(o: { aor: string; save: readonly Binding[]; remove: readonly Binding[]; reply: (r: ReplyOptions) => void }): Promise<boolean> {
    const persistence = this.#o.persistence;
    try {
      await Promise.all([...o.save.map((b) => persistence.save(b)), ...o.remove.map((b) => persistence.remove(b.aor, b.contact))]);
      return true;
    } catch (error) {
      const retryAfter = (error as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
      if (typeof retryAfter !== 'number') throw error;
      // debug: under overload a line per refused REGISTER would add to the load
      this.#o.logger.debug({ aor: o.aor, err: String(error) }, 'REGISTER refused: the store is overloaded');
      o.reply({ status: 503, reason: 'Service Unavailable', headers: [{ name: 'Retry-After', value: String(retryAfter) }] });
      return false;
    }
  }

  /**
   * Registrations of one AOR are applied one at a time (each plans against the bindings the one
   * before it committed). With none in flight, `work` starts at once, synchronously; otherwise it
   * is chained behind the current tail. The entry is dropped when the last one settles.
   */
  #withLock(aor: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#locks.get(aor);
    const run = previous === undefined ? work() : previous.then(work);
    const release = (): void => {
      if (this.#locks.get(aor) === tail) this.#locks.delete(aor);
    };
    // a failed registration (answered 500 by the handler) must not block the next one of its AOR
    const tail: Promise<void> = run.then(release, release);
    this.#locks.set(aor, tail);
    return run;
  }
}
