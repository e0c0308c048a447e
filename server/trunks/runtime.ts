// One trunk while Hailing runs: where its requests go (RFC 3263, or the outbound proxy), its
// registration (registration trunks), its OPTIONS health check (RFC 3261 §11: any final response
// means the carrier is there) and the calls in progress on it.
import { isIP } from 'node:net';
import { createRequest, locateSipServer, newCallId, newTag } from '../sip/index.js';
import type { Clock, DnsQueries, Logger, SendTarget, SipStack, SipTarget, TimerHandle } from '../sip/index.js';
import { RegisterClient, type RegistrationStatus } from './registration.js';
import type { Trunk } from './model.js';

export interface TrunkStatus {
  readonly id: number;
  readonly name: string;
  readonly kind: 'register' | 'ip';
  readonly enabled: boolean;
  /** null: not checked (no health check, or none answered or failed yet) */
  readonly up: boolean | null;
  readonly registration: RegistrationStatus | null;
  readonly lastOptionsRttMs: number | null;
  readonly lastOptionsAt: number | null;
  readonly callsInProgress: number;
  readonly maxCalls: number;
}

export interface TrunkRuntimeOptions {
  readonly trunk: Trunk;
  readonly stack: Pick<SipStack, 'request'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dns: DnsQueries;
  /** our Contact (with user) for a target's transport */
  readonly contact: (user: string, target: SipTarget) => string;
  readonly registerRetryBaseMs?: number;
}

export class TrunkRuntime {
  readonly trunk: Trunk;
  readonly #o: TrunkRuntimeOptions;
  readonly #registration: RegisterClient | undefined;
  #up: boolean | null = null;
  #rtt: number | null = null;
  #checkedAt: number | null = null;
  #timer: TimerHandle | undefined;
  #calls = 0;
  #closed = false;
  /** the addresses this trunk's host resolved to last (inbound calls from them are the carrier's) */
  #addresses = new Set<string>();
  /** each target's last health check ('proto:address:port' → answered), so a silent one is tried last */
  #targetsUp = new Map<string, boolean>();

  constructor(options: TrunkRuntimeOptions) {
    this.#o = options;
    this.trunk = options.trunk;
    const t = options.trunk;
    if (t.kind === 'register' && t.username !== null && t.enabled) {
      this.#registration = new RegisterClient({
        stack: options.stack,
        clock: options.clock,
        logger: options.logger,
        user: t.username,
        domain: this.domain,
        authUser: t.authUsername ?? t.username,
        password: t.secret ?? '',
        expiresS: t.registerExpiresS,
        locate: () => this.targets(),
        sendTo: (target) => this.sendTarget(target),
        contact: (target) => options.contact(t.username!, target),
        ...(options.registerRetryBaseMs !== undefined ? { retryBaseMs: options.registerRetryBaseMs } : {}),
      });
    }
  }

  /** the domain of From, To and the REGISTER Request-URI */
  get domain(): string {
    return this.trunk.domain ?? this.trunk.host;
  }

  start(): void {
    if (!this.trunk.enabled) return;
    this.#registration?.start();
    if (this.trunk.optionsIntervalS > 0) this.#scheduleCheck(0);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    await this.#registration?.stop();
  }

  /**
   * RFC 3263 §4: the targets in the order to try (the outbound proxy's when one is set). A target
   * the last health check found silent goes after those that answered (RFC 3263 §4.3 lets a client
   * remember failed targets), so a call does not wait out its setup timeout on a known-dead server.
   */
  async targets(): Promise<SipTarget[]> {
    const found = await this.#locate();
    const down = found.filter((f) => this.#targetsUp.get(targetKey(f)) === false);
    return down.length === 0 ? found : [...found.filter((f) => !down.includes(f)), ...down];
  }

  async #locate(): Promise<SipTarget[]> {
    const t = this.trunk;
    const at = t.outboundProxy ?? { host: t.host, port: t.port, transport: t.transport };
    const found = await locateSipServer({ host: at.host, dns: this.#o.dns, ...(at.port !== undefined ? { port: at.port } : {}), ...(at.transport !== undefined ? { protocol: at.transport } : {}) });
    for (const f of found) this.#addresses.add(f.address);
    return found;
  }

  /**
   * Where to send for `target`. TLS: the carrier's certificate is checked (unless the admin turned
   * it off) against its CA and the name asked for: the proxy's or the trunk's host name, not the
   * address SRV led to (RFC 5922 §7.2), so a DNS answer cannot substitute another server.
   */
  sendTarget(target: SipTarget): SendTarget {
    const remote = { address: target.address, port: target.port };
    if (target.protocol !== 'tls') return { protocol: target.protocol, remote };
    const t = this.trunk;
    const tls = t.tls;
    const asked = (t.outboundProxy ?? t).host;
    const serverName = tls.serverName ?? (isIP(asked) === 0 ? asked : undefined);
    return { protocol: 'tls', remote, tls: { verify: tls.verify, ...(tls.ca !== null ? { ca: tls.ca } : {}), ...(serverName !== undefined ? { serverName } : {}) } };
  }

  /** a request from `address` is this carrier's (registration trunks: an address its host resolved to) */
  knows(address: string): boolean {
    return this.#addresses.has(address);
  }

  get up(): boolean | null {
    return this.#up;
  }

  /** usable for a new call: enabled, not marked down, below its call limit */
  available(): 'ok' | 'down' | 'full' | 'disabled' {
    if (!this.trunk.enabled) return 'disabled';
    if (this.#up === false) return 'down';
    return this.#calls >= this.trunk.maxCalls ? 'full' : 'ok';
  }

  /** a call starts on this trunk; the returned function ends it (idempotent) */
  acquire(): () => void {
    this.#calls++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#calls--;
    };
  }

  /** a failed INVITE (timeout, unreachable) says what a health check would */
  markDown(): void {
    if (this.trunk.optionsIntervalS > 0) this.#up = false;
  }

  status(): TrunkStatus {
    return {
      id: this.trunk.id,
      name: this.trunk.name,
      kind: this.trunk.kind,
      enabled: this.trunk.enabled,
      up: this.#up,
      registration: this.#registration?.status ?? null,
      lastOptionsRttMs: this.#rtt,
      lastOptionsAt: this.#checkedAt,
      callsInProgress: this.#calls,
      maxCalls: this.trunk.maxCalls,
    };
  }

  #scheduleCheck(ms: number): void {
    if (this.#closed) return;
    this.#timer = this.#o.clock.setTimeout(() => void this.#check(), ms);
  }

  /**
   * OPTIONS to every target at once; any final response but a local 408/503 means that server is
   * up, and the trunk is up while one of them is. The round trip shown is the fastest answer's.
   */
  async #check(): Promise<void> {
    const found = await this.#locate().catch(() => []);
    const checked = await Promise.all(found.map(async (target) => ({ target, ...(await this.#probe(target)) })));
    for (const c of checked) this.#targetsUp.set(targetKey(c.target), c.up);
    const answered = checked.filter((c) => c.up).map((c) => c.rttMs);
    const up = answered.length > 0;
    if (up) this.#rtt = Math.min(...answered);
    if (found.length > 0) this.#checkedAt = this.#o.clock.now();
    if (this.#closed) return;
    if (this.#up !== up) this.#o.logger.info({ trunk: this.trunk.name, up }, up ? 'trunk is up' : 'trunk is down');
    this.#up = up;
    this.#scheduleCheck(this.trunk.optionsIntervalS * 1000);
  }

  async #probe(target: SipTarget): Promise<{ up: boolean; rttMs: number }> {
    const user = this.trunk.username ?? 'hailing';
    const request = createRequest({
      method: 'OPTIONS',
      uri: `sip:${this.domain}`,
      headers: [
        ['From', `<sip:${user}@${this.domain}>;tag=${newTag()}`],
        ['To', `<sip:${this.domain}>`],
        ['Call-ID', newCallId()],
        ['CSeq', '1 OPTIONS'],
        ['Accept', 'application/sdp'],
      ],
    });
    const sent = this.#o.clock.now();
    const status = await this.#o.stack.request({ request, to: this.sendTarget(target) }).then((r) => r.status, () => 503);
    // RFC 3261 §8.1.3.1: a timeout or transport error comes back as 408 / 503 (a carrier's own
    // 503 says it takes no calls now, which is down for us as well, as Kamailio's dispatcher has it)
    return { up: status !== 408 && status !== 503, rttMs: this.#o.clock.now() - sent };
  }
}

const targetKey = (t: SipTarget): string => `${t.protocol}:${t.address}:${t.port}`;
