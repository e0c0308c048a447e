// Handlers that ring phones: an extension (every registered contact at once, the first answer
// wins) and a ring group (its members' phones all at once, or one member after the other with a
// per-member timeout). Each dial opens the call's two-party media, relays the caller's offer to
// the forks and hands them to Call.dial(); a dial that fails closes its media and reports the
// failure so that the chain can go on (forward, voicemail, ...).
import type { Flow } from '../../sip/index.js';
import type { MediaEngine } from '../../../media/index.js';
import { CallState, type Call } from '../call.js';
import { CallMedia, isWebRtcOffer } from '../call-media.js';
import type { LegContext } from '../leg.js';
import { OutboundLeg } from '../outbound-leg.js';
import { FAILURES } from '../outcome.js';
import type { CallTarget } from '../types.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';

export interface DialServices {
  readonly engine: Pick<MediaEngine, 'createEndpoint'>;
  readonly address: string;
  readonly domain: string;
  readonly inbandDtmf: 'auto' | 'on' | 'off';
  readonly noAnswerTimeoutMs: number;
  readonly locate: (aor: string) => readonly CallTarget[];
  readonly legContext: (user: string, flow: Flow) => LegContext;
  /** an answered two-party call is recorded when recording is on */
  readonly answered: (call: Call) => void;
}

const isBrowser = (t: { readonly flow: Flow }): boolean => t.flow.protocol === 'ws' || t.flow.protocol === 'wss';
const quoted = (name: string): string => `"${name.replace(/["\\\r\n]/g, '')}"`;

/** One dial of `numbers`' contacts for at most `timeoutMs`: the fork, as route() always did it. */
export async function dialNumbers(o: { call: Call; ctx: HandlerContext; services: DialServices; numbers: readonly string[]; timeoutMs: number }): Promise<HandlerOutcome> {
  const { call, ctx, services: s } = o;
  const targets = o.numbers.flatMap((number) => s.locate(`sip:${number}@${s.domain}`).map((target) => ({ number, target })));
  if (targets.length === 0) return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
  const body = ctx.request.message.body;
  // Choice: an offerless INVITE is refused with 488 until late offer is needed (docs/decisions.md)
  if (body.length === 0) return { kind: 'failed', failure: FAILURES.notAcceptable, by: 'system' };
  let media: CallMedia;
  try {
    const webrtc = isWebRtcOffer(body);
    // RFC 7118: a callee reached only over WebSocket is a browser; its endpoint makes the offer.
    // One with browser and phone contacts gets both endpoints, and the answering fork picks one.
    const browsers = targets.filter((t) => isBrowser(t.target)).length;
    const browserCallee = browsers === targets.length;
    const browserFork = browsers > 0 && !browserCallee;
    media = await CallMedia.open({ engine: s.engine, group: call.id, address: s.address, callerKind: webrtc ? 'webrtc' : 'rtp', calleeKind: browserCallee ? 'webrtc' : 'rtp', browserFork, inbandDtmf: s.inbandDtmf });
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
  if (call.state !== CallState.Routing) {
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
      }),
  );
  const result = await call.dial({ media, forks, timeoutMs: o.timeoutMs });
  if (result.answered) {
    s.answered(call);
    return { kind: 'answered' };
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

/** An extension's phones, all at once (the default plan's "an extension rings"). */
export class DialExtension extends Dialling {
  readonly name = 'dial-extension';

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'extension') throw new Error(`dial-extension cannot run a '${d.kind}' destination`);
    const timeoutMs = d.timeoutS !== undefined ? d.timeoutS * 1000 : this.services.noAnswerTimeoutMs;
    return dialNumbers({ call, ctx, services: this.services, numbers: [d.number ?? ctx.step.dialled], timeoutMs });
  }
}

/** A ring group: every member's phones at once, or member after member (each for memberTimeoutS). */
export class RingGroup extends Dialling {
  readonly name = 'ring-group';

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'ring-group') throw new Error(`ring-group cannot run a '${d.kind}' destination`);
    const timeoutMs = d.memberTimeoutS * 1000;
    if (d.strategy === 'simultaneous') return dialNumbers({ call, ctx, services: this.services, numbers: d.members, timeoutMs });
    let last: HandlerOutcome = { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
    for (const member of d.members) {
      if (this.killed !== undefined || call.state !== CallState.Routing) return { kind: 'killed', reason: this.killed ?? 'call-ended' };
      last = await dialNumbers({ call, ctx, services: this.services, numbers: [member], timeoutMs });
      if (last.kind !== 'failed') return last;
    }
    return last;
  }
}
