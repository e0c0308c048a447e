// Outbound registration to a carrier (RFC 3261 §10.2): REGISTER with our Contact, answered with
// digest on 401/407 (RFC 3261 §22.2, RFC 7616/8760), refreshed before the granted expiry runs out
// (§10.2.4: "the UA SHOULD refresh ... before the expiration"), retried with exponential back-off
// after a failure, and removed (Expires: 0, §10.2.2) when the trunk stops.
import { answerChallenge, createRequest, getHeader, newCallId, newTag, parseContacts } from '../sip/index.js';
import type { Clock, Logger, SendTarget, SipResponse, SipStack, SipTarget, TimerHandle } from '../sip/index.js';

export type RegistrationState = 'stopped' | 'registering' | 'registered' | 'failed';

export interface RegistrationStatus {
  readonly state: RegistrationState;
  /** ms since the epoch */
  readonly expiresAt: number | null;
  readonly lastStatus: number | null;
  readonly failures: number;
  /** where the last REGISTER went */
  readonly target: string | null;
}

export interface RegisterClientOptions {
  readonly stack: Pick<SipStack, 'request'>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** user and domain of the address of record; digest credentials */
  readonly user: string;
  readonly domain: string;
  readonly authUser: string;
  readonly password: string;
  readonly expiresS: number;
  /** the targets to send to, in order (RFC 3263, or the outbound proxy) */
  readonly locate: () => Promise<readonly SipTarget[]>;
  /** our Contact for a target's transport */
  readonly contact: (target: SipTarget) => string;
  /** how to reach a target (TLS: how its certificate is checked) */
  readonly sendTo: (target: SipTarget) => SendTarget;
  /** first retry after a failure; doubles up to retryMaxMs */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly onChange?: (status: RegistrationStatus) => void;
}

/** refresh this long before expiry: half the interval, at most 30 s early (as most UAs do) */
export const refreshDelayMs = (grantedS: number): number => grantedS * 1000 - Math.min(grantedS * 500, 30_000);

export class RegisterClient {
  readonly #o: RegisterClientOptions;
  readonly #callId = newCallId();
  readonly #tag = newTag();
  #cseq = 0;
  #timer: TimerHandle | undefined;
  #status: RegistrationStatus = { state: 'stopped', expiresAt: null, lastStatus: null, failures: 0, target: null };
  #running = false;
  #lastTarget: SipTarget | undefined;

  constructor(options: RegisterClientOptions) {
    this.#o = options;
  }

  get status(): RegistrationStatus {
    return this.#status;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    void this.#cycle();
  }

  /** Stops refreshing; a registration in force is removed with Expires: 0 (RFC 3261 §10.2.2). */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const wasRegistered = this.#status.state === 'registered' && this.#lastTarget !== undefined;
    this.#set({ state: 'stopped', expiresAt: null });
    if (wasRegistered) await this.#register(this.#lastTarget!, 0).catch(() => undefined);
  }

  #set(patch: Partial<RegistrationStatus>): void {
    this.#status = { ...this.#status, ...patch };
    this.#o.onChange?.(this.#status);
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = this.#o.clock.setTimeout(() => void this.#cycle(), ms);
  }

  async #cycle(): Promise<void> {
    if (!this.#running) return;
    if (this.#status.state !== 'registered') this.#set({ state: 'registering' });
    const targets = await this.#o.locate().catch(() => []);
    let last: SipResponse | undefined;
    // RFC 3263 §4.3: on a timeout or transport failure the next target is tried
    for (const target of targets) {
      last = await this.#register(target, this.#o.expiresS);
      if (!this.#running) return;
      if (last.status >= 200 && last.status < 300) {
        const granted = this.#granted(last);
        this.#lastTarget = target;
        this.#set({ state: 'registered', expiresAt: this.#o.clock.now() + granted * 1000, lastStatus: last.status, failures: 0, target: `${target.protocol}:${target.address}:${target.port}` });
        this.#schedule(refreshDelayMs(granted));
        return;
      }
      if (last.status !== 408 && last.status !== 503) break;
    }
    const failures = this.#status.failures + 1;
    this.#set({ state: 'failed', expiresAt: null, lastStatus: last?.status ?? null, failures });
    const base = this.#o.retryBaseMs ?? 2000;
    const delay = Math.min(this.#o.retryMaxMs ?? 300_000, base * 2 ** Math.min(failures - 1, 16));
    this.#o.logger.warn({ user: this.#o.user, domain: this.#o.domain, status: last?.status ?? null, retryInMs: delay }, 'trunk registration failed');
    this.#schedule(delay);
  }

  /** the expiry the registrar granted our Contact (RFC 3261 §10.2.4: its Contact's expires, else Expires) */
  #granted(response: SipResponse): number {
    const contacts = parseContacts(response);
    let granted: number | undefined;
    if (contacts.ok && contacts.value !== '*') {
      const ours = contacts.value.find((c) => c.uri.includes(this.#o.user)) ?? contacts.value[0];
      const e = ours?.params.get('expires');
      if (e != null && /^[0-9]+$/.test(e)) granted = Number(e);
    }
    if (granted === undefined) {
      const header = getHeader(response, 'Expires');
      if (header !== undefined && /^[0-9]+$/.test(header.trim())) granted = Number(header.trim());
    }
    return Math.max(1, granted ?? this.#o.expiresS);
  }

  /** One REGISTER, answering one challenge (and a 423 with Min-Expires, RFC 3261 §10.3 step 7). */
  async #register(target: SipTarget, expiresS: number): Promise<SipResponse> {
    const uri = `sip:${this.#o.domain}`;
    let expires = expiresS;
    let auth: { header: string; value: string } | undefined;
    let response: SipResponse | undefined;
    for (let round = 0; round < 3; round++) {
      const request = createRequest({
        method: 'REGISTER',
        uri,
        headers: [
          ['From', `<sip:${this.#o.user}@${this.#o.domain}>;tag=${this.#tag}`],
          ['To', `<sip:${this.#o.user}@${this.#o.domain}>`],
          ['Call-ID', this.#callId],
          ['CSeq', `${++this.#cseq} REGISTER`],
          ['Contact', this.#o.contact(target)],
          ['Expires', String(expires)],
          ...(auth ? [[auth.header, auth.value] as [string, string]] : []),
        ],
      });
      response = await this.#o.stack.request({ request, to: this.#o.sendTo(target) });
      if ((response.status === 401 || response.status === 407) && auth === undefined) {
        const answer = answerChallenge({ response, method: 'REGISTER', uri, credentials: { username: this.#o.authUser, password: this.#o.password } });
        if (answer === undefined) return response;
        auth = { header: answer.header, value: answer.value };
        continue;
      }
      if (response.status === 423) {
        const min = Number(getHeader(response, 'Min-Expires') ?? NaN);
        if (!Number.isInteger(min) || min <= expires) return response;
        expires = min;
        auth = undefined;
        continue;
      }
      return response;
    }
    return response!;
  }
}
