// The 'route' step: an outbound call through the route's trunks, in order. The caller's class is
// checked (emergency routes are open to everyone), the toll-fraud guard admits it, the route's
// first matching pattern rewrites the number, and each trunk (each of its RFC 3263 targets) is
// tried in turn. A timeout, 408, 5xx, an unreachable target (local 503), or a 6xx when the route
// says so, moves on to the next at once; any other final response ends the step. A trunk marked
// down or at its call limit is skipped. Every attempt is written to trunk_attempts.
import type { Clock, Logger, SendTarget, SipTarget } from '../sip/index.js';
import { CallState, type Call } from '../calls/call.js';
import { type CallMedia, isWebRtcOffer } from '../calls/call-media.js';
import { openCallMedia } from '../calls/call-media-open.js';
import { OutboundLeg } from '../calls/outbound-leg.js';
import { callerSdp } from '../calls/late-offer.js';
import { FAILURES, type Failure } from '../calls/outcome.js';
import type { DialServices, HandlerContext, HandlerOutcome, OutboundDialer } from '../calls/handlers/index.js';
import { compilePattern } from '../calls/dialplan/pattern.js';
import type { TrunkAttemptInput } from '../store/index.js';
import type { TollFraudGuard } from './fraud-guard.js';
import type { TrunkManager } from './manager.js';
import type { OutboundRoute, Trunk } from './model.js';
import type { TrunkRuntime } from './runtime.js';
import { preferCodecs } from './sdp-codecs.js';
import { retargetHeaders } from '../calls/diversion.js';
import { normalise, type NumberContext } from '../numbers/index.js';

/** the guard refused the call (RFC 3261 §21.4.3: understood, and not done) */
export const FRAUD_LIMIT: Failure = { status: 403, disposition: 'FAILED', cause: 'toll-fraud-limit' };
/** every trunk failed or was skipped (RFC 3261 §21.5.4) */
export const NO_TRUNK: Failure = { status: 503, disposition: 'FAILED', cause: 'no-trunk-available' };

export interface TrunkDialerOptions {
  readonly trunks: TrunkManager;
  readonly guard: TollFraudGuard;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly attempts: { recordAttempt(a: TrunkAttemptInput): void };
  /** the site's country profile, for trunks that want E.164 numbers */
  readonly numbers: NumberContext;
}

/** RFC 3261 §21.6 6xx are "global" failures: another trunk is tried only when the route asks */
export const failsOver = (status: number, on6xx: boolean): boolean => status === 408 || (status >= 500 && status < 600) || (on6xx && status >= 600);

/** the first of the route's patterns that matches, applied (strip, then prepend) */
export function rewrite(route: Pick<OutboundRoute, 'patterns'>, dialled: string): string | undefined {
  for (const p of route.patterns) {
    const compiled = compilePattern(p.pattern);
    if (compiled.ok && compiled.pattern.match(dialled)) return p.prepend + dialled.slice(p.strip);
  }
  return undefined;
}

/**
 * The number as this trunk wants it: E.164 (ITU-T E.164, RFC 3966 global number) read under the
 * site's profile, or as the route left it. Numbers with no E.164 form (short codes, emergency) and
 * numbers the profile cannot read go as routed.
 */
export function numberForTrunk(o: { readonly format: Trunk['numberFormat'] | undefined; readonly routed: string; readonly numbers: NumberContext }): string {
  // undefined: a trunk saved before the setting existed
  if (o.format !== 'e164' && o.format !== 'e164-digits') return o.routed;
  const e164 = normalise({ ...o.numbers, number: o.routed });
  if (!e164.ok) return o.routed;
  return o.format === 'e164' ? e164.e164 : e164.e164.slice(1);
}

const quoted = (name: string): string => `"${name.replace(/["\\\r\n]/g, '')}" `;

export class TrunkDialer implements OutboundDialer {
  readonly #o: TrunkDialerOptions;

  constructor(options: TrunkDialerOptions) {
    this.#o = options;
  }

  async dial(o: { call: Call; ctx: HandlerContext; services: DialServices; route: number; isKilled: () => boolean }): Promise<HandlerOutcome> {
    const { call, ctx } = o;
    const fail = (failure: Failure): HandlerOutcome => ({ kind: 'failed', failure, by: 'system' });
    const route = await this.#o.trunks.route(o.route);
    if (route === undefined) return fail(FAILURES.notFound);
    const dialled = ctx.step.dialled;
    const line = { number: dialled, entry: `route:${route.id}`, pattern: null };
    // an extension's forward out dials as that extension (its classes, its fraud limits), not as the caller
    const dialler = ctx.onBehalfOf ?? call.caller;
    // emergency numbers always route, whatever else the caller may not dial
    if (route.permission !== 'emergency' && !dialler.permissions.includes(route.permission)) {
      call.routed([{ ...line, result: 'forbidden', reason: `${ctx.onBehalfOf ? `the forwarding extension ${dialler.number}` : 'the caller'} lacks the '${route.permission}' class (route ${route.name})` }]);
      return fail(FAILURES.forbidden);
    }
    const number = rewrite(route, dialled);
    if (number === undefined) {
      call.routed([{ ...line, result: 'no-match', reason: `no pattern of route ${route.name} matches` }]);
      return fail(FAILURES.notFound);
    }
    const admitted = route.permission === 'emergency' ? { ok: true as const, release: () => {} } : this.#o.guard.admit(dialler.number);
    if (!admitted.ok) {
      call.routed([{ ...line, result: 'forbidden', reason: `toll-fraud guard: ${admitted.limit} limit` }]);
      return fail(FRAUD_LIMIT);
    }
    call.crossesTrunk('outbound');
    let seq = 0;
    const record = (a: Omit<TrunkAttemptInput, 'callId' | 'seq' | 'routeId'>) => this.#o.attempts.recordAttempt({ callId: call.id, seq: ++seq, routeId: route.id, ...a });
    let last: HandlerOutcome = fail(NO_TRUNK);
    /** the answered call holds the guard's and the trunk's slots until it ends */
    let handedOver = false;
    try {
      for (const id of route.trunks) {
        const runtime = this.#o.trunks.get(id);
        if (runtime === undefined) continue;
        const now = this.#o.clock.now();
        const available = runtime.available();
        if (available !== 'ok') {
          record({ trunkId: id, trunkName: runtime.trunk.name, number, target: null, status: null, outcome: `skipped-${available}`, startedAt: now, endedAt: now });
          continue;
        }
        const sent = numberForTrunk({ format: runtime.trunk.numberFormat, routed: number, numbers: this.#o.numbers });
        const targets = await runtime.targets().catch(() => []);
        if (targets.length === 0) record({ trunkId: id, trunkName: runtime.trunk.name, number: sent, target: null, status: null, outcome: 'no-targets', startedAt: now, endedAt: this.#o.clock.now() });
        for (const target of targets) {
          if (o.isKilled() || (call.state !== CallState.Routing && call.state !== CallState.AnsweredLocally)) return { kind: 'killed', reason: 'call-ended' };
          const release = runtime.acquire();
          const startedAt = this.#o.clock.now();
          const r = await this.#attempt({ ...o, runtime, target, number: sent });
          const answered = r.outcome.kind === 'answered';
          const over = !answered && failsOver(r.status, route.failoverOn6xx);
          record({ trunkId: id, trunkName: runtime.trunk.name, number: sent, target: `${target.protocol}:${target.address}:${target.port}`, status: r.status, outcome: answered ? 'answered' : over ? 'failover' : 'failed', startedAt, endedAt: this.#o.clock.now() });
          if (answered) {
            handedOver = true;
            call.adopt({ close: () => (release(), admitted.release()) });
            return r.outcome;
          }
          release();
          if (!over) return r.outcome;
          last = fail(NO_TRUNK);
        }
      }
      return last;
    } finally {
      if (!handedOver) admitted.release();
    }
  }

  async #attempt(o: { call: Call; ctx: HandlerContext; services: DialServices; runtime: TrunkRuntime; target: SipTarget; number: string }): Promise<{ status: number; outcome: HandlerOutcome }> {
    const { call, ctx, services: s, runtime, target } = o;
    const trunk = runtime.trunk;
    // an offerless INVITE (late offer): our 2xx makes the offer (server/calls late-offer.ts)
    const body = callerSdp({ call, source: ctx.request.source.address });
    const anchor = call.anchor;
    let media: CallMedia;
    try {
      const webrtc = isWebRtcOffer(body) && anchor === undefined;
      media = await openCallMedia({ ...(anchor ? { anchor } : {}), engine: s.engine, group: call.id, address: s.address, callerKind: webrtc ? 'webrtc' : 'rtp', calleeKind: 'rtp', browserFork: false, inbandDtmf: s.inbandDtmf, sources: { caller: [ctx.request.source.address], callee: [target.address] } });
      if (webrtc) await media.prepareWebRtc('caller', body).catch(async (err: unknown) => {
        await media.close();
        throw err;
      });
    } catch (err) {
      this.#o.logger.warn({ call: call.id, err: String(err) }, 'no media for the trunk call');
      return { status: 503, outcome: { kind: 'failed', failure: FAILURES.noMedia, by: 'system' } };
    }
    const offer = media.relay('caller', body, 'offer');
    if (!offer.ok) {
      await media.close();
      return { status: 488, outcome: { kind: 'failed', failure: FAILURES.notAcceptable, by: 'system' } };
    }
    call.codec = offer.codec;
    const domain = runtime.domain;
    const cid = trunk.callerId.number ?? call.caller.number;
    const name = trunk.callerId.name ?? call.caller.displayName;
    const display = name ? quoted(name) : '';
    const account = trunk.username ?? cid;
    const headers: [string, string][] = [];
    // RFC 3325 §9.1 P-Asserted-Identity; Remote-Party-ID (draft-ietf-sip-privacy-04) for carriers that still read it
    if (trunk.callerId.presentation === 'pai') headers.push(['P-Asserted-Identity', `${display}<sip:${cid}@${domain}>`]);
    if (trunk.callerId.presentation === 'rpid') headers.push(['Remote-Party-ID', `${display}<sip:${cid}@${domain}>;party=calling;screen=yes;privacy=off`]);
    // RFC 5806 Diversion and RFC 7044 History-Info, as a forward to a phone has them: the
    // extensions that forwarded or missed the call before the plan sent it here (Call.retargets)
    headers.push(...retargetHeaders({ domain: s.domain, hops: call.retargets, target: o.number, targetDomain: domain }));
    const from = trunk.callerId.presentation === 'from' ? `${display}<sip:${cid}@${domain}>` : `<sip:${account}@${domain}>`;
    const port = trunk.outboundProxy === null && trunk.port !== undefined ? `:${trunk.port}` : '';
    const transport = target.protocol === 'udp' ? '' : `;transport=${target.protocol}`;
    const uri = `sip:${o.number}@${domain}${port}${transport}`;
    // no flow yet: the transport picks its listening socket (UDP) or opens a connection
    const flow: SendTarget = runtime.sendTarget(target);
    const leg = new OutboundLeg(s.legContext(account, flow), {
      target: { contact: uri, flow },
      from,
      to: `<sip:${o.number}@${domain}>`,
      maxForwards: ctx.maxForwards - 1,
      body: preferCodecs(offer.body, trunk.codecs),
      headers,
      ...(trunk.secret !== null ? { credentials: { username: trunk.authUsername ?? account, password: trunk.secret } } : {}),
      setupTimeoutMs: trunk.setupTimeoutMs,
    });
    const result = await call.dial({ media, forks: [leg], timeoutMs: s.noAnswerTimeoutMs, numbers: [] });
    if (result.answered) {
      s.answered(call);
      return { status: leg.sipStatus ?? 200, outcome: { kind: 'answered' } };
    }
    await media.close();
    return { status: leg.sipStatus ?? 500, outcome: { kind: 'failed', failure: result.failure, by: result.by } };
  }
}
