// Call pickup (Asterisk's Pickup()): the phone that dials **<ext> takes a call ringing at that
// extension; *8 takes a call ringing at any extension of its own pickup group (the oldest). The ringing call's forks get CANCEL and its caller is answered with
// an endpoint of its own; the picker is answered here too, and the engine connects the two
// endpoints (both in the ringing call's group, so one worker relays or transcodes). Each call
// then ends with the other.
import type { Logger } from '../../sip/index.js';
import type { Call } from '../call.js';
import { LocalMedia } from '../local-media.js';
import { FAILURES } from '../outcome.js';
import { callerSdp } from '../late-offer.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from './handler.js';
import { answerable, type LocalServices } from './local.js';

export interface PickupServices extends LocalServices {
  /** the calls ringing now, oldest first */
  readonly ringingCalls: () => readonly Call[];
  readonly pickupGroups: PickupGroups;
  /** an answered conversation is recorded when recording is on (the picked-up call, like any other) */
  readonly answered: (call: Call) => void;
}

export interface PickupGroups {
  groupOf(extension: string): Promise<string | null>;
  members(group: string): Promise<readonly string[]>;
}

const failed = (): HandlerOutcome => ({ kind: 'failed', failure: FAILURES.unavailable, by: 'system' });

export class Pickup extends BaseHandler {
  readonly name = 'pickup';
  readonly #s: PickupServices;

  constructor(services: PickupServices) {
    super();
    this.#s = services;
  }

  /** the other members of the caller's pickup group (none when it is in no group) */
  async #groupOf(number: string): Promise<readonly string[]> {
    const group = await this.#s.pickupGroups.groupOf(number);
    return group === null ? [] : (await this.#s.pickupGroups.members(group)).filter((n) => n !== number);
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'pickup') throw new Error(`pickup cannot run a '${d.kind}' destination`);
    const extensions = d.scope === 'group' ? await this.#groupOf(call.caller.number) : [d.extension ?? ctx.step.argument];
    const target = this.#s.ringingCalls().find((c) => c !== call && c.ringing.some((n) => extensions.includes(n)));
    if (target === undefined) return failed();
    return pickUp({ call, target, request: ctx.request, services: this.#s, logger: ctx.logger, how: d.scope });
  }
}

/**
 * `call` (still Routing) takes the ringing `target`: both callers are answered here and their
 * endpoints connected. Shared by the **<ext>/*8 steps and an INVITE with Replaces naming the
 * ringing call's dialog (BLF pickup, invite-replaces.ts).
 */
export async function pickUp(o: { call: Call; target: Call; request: HandlerContext['request']; services: Omit<PickupServices, 'ringingCalls' | 'pickupGroups'>; logger: Logger; how: string }): Promise<HandlerOutcome> {
  const { call, target } = o;
  const mine = await answerable({ call, ctx: o, services: o.services, group: target.id });
  if (!('media' in mine)) return mine;
  // the ringing call's caller gets an answer of ours to the offer it made
  const offer = callerSdp({ call: target, source: target.inbound.request.source.address });
  const theirs = await LocalMedia.open({ engine: o.services.engine, group: target.id, address: o.services.address, offer, inbandDtmf: o.services.inbandDtmf, sources: [target.inbound.request.source.address] }).catch(() => undefined);
  const answer = theirs ? await theirs.answer(offer).catch(() => undefined) : undefined;
  if (theirs === undefined || !answer?.ok || !target.pickedUp({ media: theirs, body: answer.body, by: call.caller.number, peer: mine.media.endpoint })) {
    await Promise.all([mine.media.close(), theirs?.close()]);
    return failed();
  }
  mine.media.endpoint.connect(theirs.endpoint);
  // each side's end ends the other (BYE to the phone still there)
  target.adopt({ close: () => void call.hangup('callee', 'normal-clearing') });
  call.adopt({ close: () => void target.hangup('callee', 'normal-clearing') });
  if (!call.answerHere(mine.media, mine.media.lastSent()!)) {
    void mine.media.close();
    void target.hangup('callee', 'normal-clearing');
    return { kind: 'killed', reason: 'call-ended' };
  }
  o.services.answered(target);
  o.logger.info({ call: call.id, target: target.id, how: o.how }, 'call picked up');
  return { kind: 'answered' };
}
