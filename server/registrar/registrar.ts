// The registrar (RFC 3261 §10.3): authenticates REGISTER requests with digest, keeps the location
// service, persists every change before answering, expires bindings, and keeps NAT flows alive.
// It depends only on the SIP core and on ports.ts; server/app wires store and security to it.
import type { TimerHandle } from '../sip/clock.js';
import { getExpires, getHeader, getHeaderValues, parseCSeq, parseContacts, parseNameAddr } from '../sip/message/headers.js';
import { parseUri } from '../sip/message/uri.js';
import { coreHeadersOf } from '../sip/message/core-headers.js';
import type { NameAddr, SipMessage, SipUri } from '../sip/message/types.js';
import type { IncomingRequest, ReplyOptions, RequestHandler, StatelessHandler } from '../sip/stack/types.js';
import { authenticate, challengeFor } from './authenticate.js';
import { KeepaliveScheduler } from './keepalive.js';
import { LocationService } from './location.js';
import type { Binding } from './ports.js';
import { planRegister, type ExpiryLimits } from './register-plan.js';
import { errorReply, okReply } from './responses.js';
import type { BindingChange, Registrar, RegistrarEvents, RegistrarOptions } from './types.js';

export type { BindingChange, Registrar, RegistrarEvents, RegistrarOptions } from './types.js';

/** RFC 3261 §10.3 step 2: we implement no extension a REGISTER could require. */
const SUPPORTED_EXTENSIONS: ReadonlySet<string> = new Set();

export function createRegistrar(options: RegistrarOptions): Registrar {
  return new RegistrarImpl(options);
}

/** What the pre-authentication checks parsed, for the steps after authentication. */
interface Inspected {
  readonly toSip: SipUri;
  readonly contacts: '*' | NameAddr[];
  readonly cseq: number;
  readonly callId: string;
}

const hasRequire = (msg: SipMessage): boolean => msg.headers.some((h) => h.name.toLowerCase() === 'require');

const stripBrackets = (host: string): string => (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host).toLowerCase();

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
  #sweepTimer: TimerHandle | undefined;
  #state: 'new' | 'started' | 'closed' = 'new';
  readonly handler: RequestHandler;
  readonly statelessHandler: StatelessHandler;

  constructor(options: RegistrarOptions) {
    this.#o = options;
    this.#limits = { minExpires: options.minExpires ?? 60, maxExpires: options.maxExpires ?? 3600, defaultExpires: options.defaultExpires ?? 3600 };
    this.#maxContacts = options.maxContactsPerAor ?? 10;
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
      const work = this.#handle(request).catch((error: unknown) => {
        this.#o.logger.error({ err: error }, 'REGISTER failed');
        request.reply({ status: 500, reason: 'Server Internal Error' });
      });
      this.#inFlight.add(work);
      void work.finally(() => this.#inFlight.delete(work));
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
      const work = this.sweep().catch((error: unknown) => this.#o.logger.error({ err: error }, 'binding sweep failed'));
      this.#inFlight.add(work);
      void work.finally(() => this.#inFlight.delete(work));
      this.#scheduleSweep();
    }, interval);
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
   * The checks of RFC 3261 §10.3 steps 1-2 and the syntax a REGISTER must have, which come before
   * authentication: the response owed when one fails, else the parsed values the later steps use.
   */
  #inspect(request: IncomingRequest): { readonly refuse: ReplyOptions } | { readonly refuse?: undefined; readonly parsed: Inspected } {
    const msg = request.message;
    // RFC 3261 §10.3 step 1: "The registrar inspects the Request-URI to determine whether it has
    // access to bindings for the domain identified". We serve our domain, its aliases and the
    // address the request reached; we are no proxy, so another domain gets 404 rather than a forward.
    // A request from the parser carries its Request-URI, To, CSeq and Call-ID already parsed and
    // checked (core-headers.ts); only a request built some other way has them parsed here.
    const core = coreHeadersOf(msg);
    const ruri = core?.requestUri !== undefined ? { ok: true as const, value: core.requestUri } : parseUri(msg.uri);
    if (!ruri.ok) return { refuse: { status: 400, reason: 'Bad Request-URI' } };
    if (ruri.value.scheme !== 'sip' && ruri.value.scheme !== 'sips') return { refuse: { status: 416, reason: 'Unsupported URI Scheme' } };

    // RFC 3261 §8.2 / §10.3: a malformed request is refused as such (400) before any semantic
    // check; RFC 4475 §3.3.4 (unksm2) and §3.1.2.13 (regbadct) ask for exactly this 400.
    const toValue = core === undefined ? getHeader(msg, 'To') : undefined;
    const to = core !== undefined ? { ok: true as const, value: core.to } : toValue === undefined ? undefined : parseNameAddr(toValue);
    if (!to?.ok) return { refuse: { status: 400, reason: 'Bad To header' } };
    const toUri = parseUri(to.value.uri);
    // RFC 3261 §10.2: the To of a REGISTER is the address of record, a SIP or SIPS URI
    if (!toUri.ok || (toUri.value.scheme !== 'sip' && toUri.value.scheme !== 'sips')) return { refuse: { status: 400, reason: 'To Must Be a SIP URI' } };
    const contacts = parseContacts(msg);
    if (!contacts.ok) return { refuse: { status: 400, reason: 'Bad Contact', headers: [{ name: 'Warning', value: `399 hailing "${contacts.error.replace(/"/g, '')}"` }] } };
    const cseqValue = core === undefined ? getHeader(msg, 'CSeq') : undefined;
    const cseq = core !== undefined ? { ok: true as const, value: core.cseq } : cseqValue === undefined ? undefined : parseCSeq(cseqValue);
    const callId = core !== undefined ? core.callId : getHeader(msg, 'Call-ID');
    if (!cseq?.ok || callId === undefined) return { refuse: { status: 400, reason: 'Bad Request' } };

    if (!this.#isOurHost((ruri.value as SipUri).host, request)) return { refuse: { status: 404, reason: 'Domain Not Served' } };

    // RFC 3261 §10.3 step 2 (via §8.2.2.3): unknown Require options → 420 listing them in Unsupported
    // (most REGISTERs carry no Require, so the header list is only split when one is there)
    const unsupported = hasRequire(msg) ? getHeaderValues(msg, 'Require').filter((o) => !SUPPORTED_EXTENSIONS.has(o.toLowerCase())) : [];
    if (unsupported.length > 0) return { refuse: { status: 420, reason: 'Bad Extension', headers: [{ name: 'Unsupported', value: unsupported.join(', ') }] } };
    return { parsed: { toSip: toUri.value as SipUri, contacts: contacts.value, cseq: cseq.value.seq, callId } };
  }

  /**
   * RFC 3261 §8.2.7 / §22.1: a REGISTER that passes the pre-authentication checks but carries no
   * credentials at all gets its 401 statelessly, so the first half of every registration costs no
   * transaction. The challenge is the same one the transactional path sends, and counts towards no
   * ban either way; anything else (credentials, if only for another realm, or a request that fails
   * a check) goes on to the transactional handler, which reads the credentials once.
   */
  #challengeStateless(request: IncomingRequest): boolean {
    if (request.message.method !== 'REGISTER') return false;
    if (request.message.headers.some((h) => h.name.toLowerCase() === 'authorization')) return false;
    if (this.#inspect(request).refuse !== undefined) return false;
    request.reply(challengeFor(request.message, this.#o.authenticator, false));
    return true;
  }

  async #handle(request: IncomingRequest): Promise<void> {
    const msg = request.message;
    const reply = request.reply.bind(request);
    const inspected = this.#inspect(request);
    if (inspected.refuse !== undefined) return reply(inspected.refuse);
    const { toSip, contacts, cseq, callId } = inspected.parsed;

    // RFC 3261 §10.3 step 3: authenticate (§22). Unknown users get the same challenge as known ones.
    const auth = await authenticate({
      request,
      authenticator: this.#o.authenticator,
      credentials: this.#o.credentials,
      logger: this.#o.logger,
      ...(this.#o.onAuthFailure ? { onFailure: this.#o.onAuthFailure } : {}),
      ...(this.#o.onAuthSuccess ? { onSuccess: this.#o.onAuthSuccess } : {}),
    });
    if (!auth.ok) return;

    // RFC 3261 §10.3 step 5: the AOR comes from To; it must be in our domain (else 404)
    if (toSip.user === undefined || !this.#isOurHost(toSip.host, request)) return reply({ status: 404, reason: 'Not Found' });
    // RFC 3261 §10.3 step 4: "the registrar ... MUST determine if the authorized user is authorized
    // to modify registrations for this address-of-record": here, only its own extension (no 404 can
    // leak: an authenticated user registering someone else's AOR gets 403 whether it exists or not).
    if (toSip.user !== auth.username) return reply({ status: 403, reason: 'Forbidden' });
    const aor = `sip:${toSip.user}@${this.#o.domain.toLowerCase()}`;

    await this.#withLock(aor, async () => {
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
        await Promise.all([...save.map((b) => this.#o.persistence.save(b)), ...remove.map((b) => this.#o.persistence.remove(b.aor, b.contact))]);
        this.#location.replace(aor, result);
        this.#emit({ aor, bindings: result });
        this.#o.onBindingsChanged?.(this.#location.count());
        // debug, not info: phones refresh constantly, and a line per REGISTER would flood production logs
        this.#o.logger.debug({ aor, contacts: result.length, source: request.source }, 'registration updated');
      }
      reply(okReply(result, now));
    });
  }

  async #withLock(aor: string, work: () => Promise<void>): Promise<void> {
    const previous = this.#locks.get(aor) ?? Promise.resolve();
    const run = previous.then(work);
    const tail = run.catch(() => undefined);
    this.#locks.set(aor, tail);
    try {
      await run;
    } finally {
      if (this.#locks.get(aor) === tail) this.#locks.delete(aor);
    }
  }
}
