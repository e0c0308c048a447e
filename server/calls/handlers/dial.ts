// Handlers that ring phones: an extension (every registered contact at once, the first answer
// wins) and a ring group (its members' phones all at once, or one member after the other with a
// per-member timeout). Each dial opens the call's two-party media, relays the caller's offer to
// the forks and hands them to Call.dial(); a dial that fails closes its media and reports the
// failure so that the chain can go on (forward, voicemail, ...).
import type { Flow, SendTarget } from '../../sip/index.js';
import type { MediaEngine } from '../../../media/index.js';
import { CallState, type Call } from '../call.js';
import { isWebRtcOffer, type CallMedia } from '../call-media.js';
import { openCallMedia } from '../call-media-open.js';
import { callerSdp } from '../late-offer.js';
import type { LegContext } from '../leg.js';
import { OutboundLeg } from '../outbound-leg.js';
import { FAILURES, type Failure } from '../outcome.js';
import type { CallTarget } from '../types.js';
import { retargetHeaders, type Retarget } from '../diversion.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';

export interface DialServices {
  readonly engine: Pick<MediaEngine, 'createEndpoint'>;
  readonly address: string;
  readonly domain: string;
  readonly inbandDtmf: 'auto' | 'on' | 'off';
  readonly noAnswerTimeoutMs: number;
  readonly locate: (aor: string) => readonly CallTarget[];
  readonly legContext: (user: string, flow: Flow | SendTarget) => LegContext;
  /** an answered two-party call is recorded when recording is on */
  readonly answered: (call: Call) => void;
  /** an extension's DND and forwarding (absent: ring it, no forwarding) */
  readonly callHandling: (number: string) => Promise<CallHandling | undefined>;
  /** one dial of some numbers' phones: dialNumbers (a fake in unit tests) */
  readonly dial: typeof dialNumbers;
  /**
   * A forward to `to`, a number that is no extension: the dial plan's steps for it, as `from` would
   * dial it (its permission classes, its fraud limits); null when `to` is an extension (ring it)
   */
  readonly forwardOut?: (o: { call: Call; ctx: HandlerContext; from: string; to: string }) => Promise<HandlerOutcome | null>;
  /** an extension that is busy or does not answer, with no forward set: its voicemail (null: it has none) */
  readonly voicemailFallback?: (o: { call: Call; ctx: HandlerContext; mailbox: string; reason: 'busy' | 'no-answer' }) => Promise<HandlerOutcome | null>;
}

export interface CallHandling {
  readonly dnd: boolean;
  readonly forwardAlways: string | null;
  readonly forwardBusy: string | null;
  readonly forwardNoAnswer: string | null;
  readonly noAnswerS: number | null;
}

/** forwards followed for one dialled extension before the call fails (1002 → 1003 → 1002 → ...) */
export const MAX_FORWARD_HOPS = 5;
/** RFC 3261 §21.4.20 482 Loop Detected, for a forward chain that does not end */
export const FORWARD_LOOP: Failure = { status: 482, disposition: 'FAILED', cause: 'forward-loop' };
/** do-not-disturb answers as a busy phone would (RFC 3261 §21.4.24) */
export const DND: Failure = { status: 486, disposition: 'BUSY', cause: 'dnd' };
/** what counts as "no answer" for the no-answer forward: ringing out, 480/408, no registered phone */
const NO_ANSWER_CAUSES = new Set(['no-answer', 'unavailable']);

const isBrowser = (t: { readonly flow: Flow | SendTarget }): boolean => t.flow.protocol === 'ws' || t.flow.protocol === 'wss';
const quoted = (name: string): string => `"${name.replace(/["\\\r\n]/g, '')}"`;

/**
 * One dial of `numbers`' contacts for at most `timeoutMs` (the fork, as route() always did it),
 * bridging the first answer. On a call answered here the step lasts until that
 * bridge ends; `onAnswered` tells the caller of this function (a queue) of the answer at once.
 */
export async function dialNumbers(o: { call: Call; ctx: HandlerContext; services: DialServices; numbers: readonly string[]; timeoutMs: number; onAnswered?: () => void; retargets?: readonly Retarget[] }): Promise<HandlerOutcome> {
  const { call, ctx, services: s } = o;
  const targets = o.numbers.flatMap((number) => s.locate(`sip:${number}@${s.domain}`).map((target) => ({ number, target })));
  if (targets.length === 0) return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
  // an offerless INVITE (late offer): our 2xx makes the offer (late-offer.ts)
  const body = callerSdp({ call, source: ctx.request.source.address });
  let media: CallMedia;
  // a call answered here keeps its caller endpoint: the dial bridges it to the callee's (Call.dial)
  const anchor = call.anchor;
  try {
    const webrtc = isWebRtcOffer(body) && anchor === undefined;
    // RFC 7118: a callee reached only over WebSocket is a browser; its endpoint makes the offer.
    // One with browser and phone contacts gets both endpoints, and the answering fork picks one.
    const browsers = targets.filter((t) => isBrowser(t.target)).length;
    const browserCallee = browsers === targets.length;
    const browserFork = browsers > 0 && !browserCallee;
    media = await openCallMedia({ ...(anchor ? { anchor } : {}), engine: s.engine, group: call.id, address: s.address, callerKind: webrtc ? 'webrtc' : 'rtp', calleeKind: browserCallee ? 'webrtc' : 'rtp', browserFork, inbandDtmf: s.inbandDtmf, sources: { caller: [ctx.request.source.address], callee: targets.map((t) => t.target.flow.remote.address) } });
    const prepared = media;
    const prepare = async () => {
      if (webrtc) await prepared.prepareWebRtc('caller', body);
      if (browserCallee || browserFork) await prepared.prepareWebRtcOffer('callee');
    };
    await prepare().catch(async (err: unknown) => {
      await prepared.close();
      throw err;
    });
  } catch (err) {
    ctx.logger.warn({ call: call.id, err: String(err) }, 'no media for the call');
    return { kind: 'failed', failure: FAILURES.noMedia, by: 'system' };
  }
  if (anchor === undefined ? call.state !== CallState.Routing : call.anchor !== anchor) {
    await media.close();
    return { kind: 'killed', reason: 'call-ended' };
  }
  const offer = media.relay('caller', body, 'offer');
  if (!offer.ok) {
    await media.close();
    return { kind: 'failed', failure: FAILURES.notAcceptable, by: 'system' };
  }
  call.codec = offer.codec;
  const from = `${call.caller.displayName ? `${quoted(call.caller.displayName)} ` : ''}<sip:${call.caller.number}@${s.domain}>`;
  const forks = targets.map(
    ({ number, target }) =>
      new OutboundLeg(s.legContext(call.caller.number, target.flow), {
        target,
        from,
        to: `<sip:${number}@${s.domain}>`,
        maxForwards: ctx.maxForwards - 1,
        body: isBrowser(target) ? (media.browserForkOffer() ?? offer.body) : offer.body,
        headers: [
          // RFC 3325 §9.1: the identity Hailing authenticated, asserted to the phones it trusts
          ['P-Asserted-Identity', from],
          // RFC 5806 Diversion and RFC 7044 History-Info: the forwards (or the group) on the way here
          ...retargetHeaders({ domain: s.domain, hops: o.retargets ?? [], target: number }),
        ],
      }),
  );
  const result = await call.dial({ media, forks, timeoutMs: o.timeoutMs, numbers: o.numbers });
  if (result.answered) {
    s.answered(call);
    o.onAnswered?.();
    if (anchor === undefined) return { kind: 'answered' };
    // a bridge from a call answered here: this step runs until the bridge ends, and says how
    const end = await call.bridgeEnded();
    if (end === 'transferred') return { kind: 'answered' }; // the call is the transfer's now (call-transfer.ts)
    return end === 'call-ended' ? { kind: 'killed', reason: end } : { kind: 'unbridged', reason: end };
  }
  await media.close();
  return { kind: 'failed', failure: result.failure, by: result.by };
}

abstract class Dialling extends BaseHandler {
  protected readonly services: DialServices;

  constructor(services: DialServices) {
    super();
    this.services = services;
  }
}

/**
 * An extension's phones, all at once (the default plan's "an extension rings"), with the
 * extension's call handling: DND answers busy, an unconditional forward goes elsewhere without
 * ringing, and busy (486, DND) or no answer (timeout, 480, no registered phone) forward when a
 * target is set. Forwards chain through other extensions' settings at most MAX_FORWARD_HOPS times.
 */
export class DialExtension extends Dialling {
  readonly name = 'dial-extension';

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'extension') throw new Error(`dial-extension cannot run a '${d.kind}' destination`);
    let number = d.number ?? ctx.step.dialled;
    const seen = [number];
    /** the forwards so far, the oldest first (Diversion and History-Info, diversion.ts) */
    const retargets: Retarget[] = [];
    for (;;) {
      if (this.killed !== undefined) return { kind: 'killed', reason: this.killed };
      const h = await this.services.callHandling(number);
      let next: { to: string; why: 'unconditional' | 'busy' | 'no-answer' } | undefined;
      let outcome: HandlerOutcome | undefined;
      let missed: 'busy' | 'no-answer' | undefined;
      if (h?.forwardAlways) {
        next = { to: h.forwardAlways, why: 'unconditional' };
      } else {
        const timeoutS = h?.noAnswerS ?? d.timeoutS;
        outcome = h?.dnd
          ? { kind: 'failed', failure: DND, by: 'callee' }
          : await this.services.dial({ call, ctx, services: this.services, numbers: [number], timeoutMs: timeoutS !== undefined ? timeoutS * 1000 : this.services.noAnswerTimeoutMs, retargets });
        if (outcome.kind !== 'failed' || call.state !== CallState.Routing) return outcome;
        const why = outcome.failure.status === 486 ? 'busy' : NO_ANSWER_CAUSES.has(outcome.failure.cause) ? 'no-answer' : undefined;
        const to = why === 'busy' ? h?.forwardBusy : why === 'no-answer' ? h?.forwardNoAnswer : undefined;
        if (to && why) next = { to, why };
        missed = why;
      }
      if (next === undefined) {
        // missed and nowhere to forward: a later step (voicemail, a route to a carrier) says so
        if (missed) call.retargets.push({ from: number, reason: missed });
        // busy or no answer and nowhere to forward: the extension's voicemail, when it has a mailbox
        const left = missed && this.services.voicemailFallback ? await this.services.voicemailFallback({ call, ctx, mailbox: number, reason: missed }) : null;
        return left ?? outcome!;
      }
      if (seen.length > MAX_FORWARD_HOPS) {
        call.routed([{ number: next.to, entry: null, pattern: null, result: 'forward-loop', reason: `${[...seen, next.to].join(' → ')}: more than ${MAX_FORWARD_HOPS} forwards` }]);
        return { kind: 'failed', failure: FORWARD_LOOP, by: 'system' };
      }
      call.routed([{ number: next.to, entry: null, pattern: null, result: 'forwarded', reason: `${number} forwards (${next.why})` }]);
      retargets.push({ from: number, reason: next.why });
      call.retargets.push({ from: number, reason: next.why });
      // a number outside (a mobile through a trunk): the plan's steps for it end this step
      const out = await this.services.forwardOut?.({ call, ctx, from: number, to: next.to });
      if (out) return out;
      seen.push(next.to);
      number = next.to;
    }
  }
}

/** A ring group: every member's phones at once, or member after member (each for memberTimeoutS). */
export class RingGroup extends Dialling {
  readonly name = 'ring-group';

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'ring-group') throw new Error(`ring-group cannot run a '${d.kind}' destination`);
    const timeoutMs = d.memberTimeoutS * 1000;
    // each member's INVITE names the group's number as the one dialled (History-Info mp, Diversion)
    const retargets: Retarget[] = [{ from: ctx.step.dialled, reason: 'group' }];
    if (d.strategy === 'simultaneous') return this.services.dial({ call, ctx, services: this.services, numbers: d.members, timeoutMs, retargets });
    let last: HandlerOutcome = { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
    for (const member of d.members) {
      if (this.killed !== undefined || call.state !== CallState.Routing) return { kind: 'killed', reason: this.killed ?? 'call-ended' };
      last = await this.services.dial({ call, ctx, services: this.services, numbers: [member], timeoutMs, retargets });
      if (last.kind !== 'failed') return last;
    }
    return last;
  }
}
