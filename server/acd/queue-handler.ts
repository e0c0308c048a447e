// The queue as a call handler (a dial plan 'queue' step): the caller is answered here and waits
// with the queue's music (or ringback), hears its position, may leave by an exit key; each offer
// the ACD makes rings the agents' extensions through the dial handler machinery (Call.dial from
// the anchored call, i.e. a bridge on answer), and the conversation's end goes back to the ACD
// for wrap-up. The handler is the ACD's driver for this call (CallRouter finds it by interaction).
import { join } from 'node:path';
import { CallState, type Call } from '../calls/call.js';
import { answered } from '../calls/handlers/anchored.js';
import { BaseHandler, type HandlerContext, type HandlerOutcome } from '../calls/handlers/handler.js';
import type { AnchoredServices, DialServices, SayServices } from '../calls/handlers/index.js';
import { FAILURES } from '../calls/outcome.js';
import type { AcdDriver, Acd } from './engine.js';
import type { Interaction, OfferOutcome } from './interaction.js';
import type { AgentConfig, Overflow } from './types.js';

/** how many queues one caller may overflow through before the step fails */
const MAX_OVERFLOWS = 5;
/** a dial the ACD does not stop itself (its own ring timer does) still ends eventually */
const DIAL_GUARD_MS = 600_000;

/** answered: `bridged` settles with the dial step's outcome when the conversation's bridge ends */
type WaitEnd = { readonly kind: 'answered'; readonly bridged: Promise<HandlerOutcome> } | { readonly kind: 'left'; readonly to: Overflow | null } | { readonly kind: 'gone' };

/**
 * Routes the ACD's requests to the queue handler of the interaction's call, by call id: the
 * handler registers before it joins, because joining may offer the caller at once (an agent free).
 */
export class CallRouter implements AcdDriver {
  readonly #calls = new Map<string, QueueHandler>();
  /** rings agents for callbacks (the caller's call is gone); none yet in the app: callbacks are refused */
  callbacks: AcdDriver | null = null;

  canCallBack(): boolean {
    return this.callbacks !== null;
  }

  add(callId: string, h: QueueHandler): void {
    this.#calls.set(callId, h);
  }

  remove(callId: string): void {
    this.#calls.delete(callId);
  }

  #of(i: Interaction): QueueHandler | undefined {
    return i.callId === null ? undefined : this.#calls.get(i.callId);
  }

  ring(o: Parameters<AcdDriver['ring']>[0]): void {
    if (o.interaction.callback !== null) this.callbacks?.ring(o);
    else this.#of(o.interaction)?.ringAgents(o.offerId, o.agents);
  }

  stopRinging(o: Parameters<AcdDriver['stopRinging']>[0]): void {
    if (o.interaction.callback !== null) this.callbacks?.stopRinging(o);
    else this.#of(o.interaction)?.stopAgents(o.agentIds, o.reason);
  }

  exit(o: Parameters<AcdDriver['exit']>[0]): void {
    this.#of(o.interaction)?.leave(o.to);
  }
}

export interface QueueServices {
  readonly acd: Acd;
  readonly router: CallRouter;
  readonly call: DialServices & AnchoredServices & SayServices;
}

export class QueueHandler extends BaseHandler {
  readonly name = 'queue';
  readonly #s: QueueServices;
  #call: Call | undefined;
  #ctx: HandlerContext | undefined;
  #interaction: Interaction | undefined;
  #end: ((e: WaitEnd) => void) | undefined;
  /** the offer ringing now and its agents */
  #offer: { id: string; agents: Map<string, AgentConfig> } | null = null;
  /** bumps whenever a dial is superseded, so that a stale dial's result is ignored */
  #generation = 0;
  #dialling: Promise<unknown> = Promise.resolve();
  #holding = 0;

  constructor(s: QueueServices) {
    super();
    this.#s = s;
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'queue') throw new Error(`queue cannot run a '${d.kind}' destination`);
    this.#call = call;
    this.#ctx = ctx;
    const notAnswered = await answered(call, ctx, this.#s.call);
    if (notAnswered !== null) return notAnswered;
    this.onKill(() => this.#finish({ kind: 'gone' }));
    const offDtmf = call.on('dtmf', (e) => {
      if (e.side === 'caller' && this.#interaction) {
        const to = this.#s.acd.exitKey({ interactionId: this.#interaction.id, key: e.digit });
        // a callback keeps the place in the ACD; this call ends (its close is not an abandon)
        if (to?.kind === 'callback') {
          this.#finish({ kind: 'gone' });
          void call.hangup('system', 'callback-requested');
        } else if (to) this.leave(to);
      }
    });
    try {
      let queueId = d.queue;
      for (let hop = 0; hop < MAX_OVERFLOWS; hop++) {
        const end = await this.#wait(queueId, hop === 0 ? d : d.attached ? { attached: d.attached } : {});
        // the step lasts as long as the conversation, so the plan ends the call when the agent hangs up
        if (end.kind === 'answered') return await end.bridged;
        if (end.kind === 'gone') return { kind: 'killed', reason: this.killed ?? 'call-ended' };
        const to = end.to;
        call.routed([{ number: ctx.step.dialled, entry: null, pattern: null, result: 'forwarded', reason: `queue ${queueId} → ${to ? (to.kind === 'queue' ? `queue ${to.queue}` : to.number) : 'next step'}` }]);
        if (to?.kind === 'queue') {
          queueId = to.queue;
          continue;
        }
        if (to?.kind === 'number') return this.#s.call.dial({ call, ctx, services: this.#s.call, numbers: [to.number], timeoutMs: this.#s.call.noAnswerTimeoutMs });
        return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
      }
      return { kind: 'failed', failure: FAILURES.unavailable, by: 'system' };
    } finally {
      offDtmf();
    }
  }

  /** one stay in one queue, until answered, left or gone */
  async #wait(queueId: string, o: { priority?: number; requirements?: readonly { skill: string; minLevel: number }[]; attached?: Readonly<Record<string, unknown>> }): Promise<WaitEnd> {
    const call = this.#call!;
    const ended = new Promise<WaitEnd>((resolve) => (this.#end = resolve));
    this.#s.router.add(call.id, this);
    const r = this.#s.acd.enqueue({ queueId, callId: call.id, caller: call.caller.number, ...(o.priority !== undefined ? { priority: o.priority } : {}), ...(o.requirements ? { requirements: o.requirements } : {}), ...(o.attached ? { attached: o.attached } : {}) });
    if (!r.ok) {
      this.#s.router.remove(call.id);
      return { kind: 'left', to: r.to };
    }
    const i = r.interaction;
    this.#interaction = i;
    // the conversation's end is the ACD's to know, whoever hangs up and whenever
    call.on('close', (rec) => {
      this.#s.router.remove(call.id);
      this.#s.acd.hangup({ interactionId: i.id, by: rec.hangupBy === 'callee' ? 'agent' : 'caller' });
    });
    // a transfer (the agent's REFER, the API, the workspace's Transfer) detaches the agent at once:
    // its part of the interaction ends there (wrap-up), while the caller's call goes on to the target
    call.on('transfer', (e) => {
      if (e.result === 'started') this.#s.acd.hangup({ interactionId: i.id, by: 'agent' });
    });
    if (i.phase === 'waiting') void this.#hold(r.position);
    const end = await ended;
    this.#interaction = undefined;
    if (end.kind !== 'answered') this.#s.router.remove(call.id);
    return end;
  }

  #waiting(): boolean {
    return this.#end !== undefined;
  }

  #finish(e: WaitEnd): void {
    const end = this.#end;
    this.#end = undefined;
    end?.(e);
  }

  /** the position announcement, then music (or ringback) until an offer rings or the caller leaves */
  async #hold(position: number): Promise<void> {
    const call = this.#call!;
    const q = this.#interaction && this.#s.acd.queues.get(this.#interaction.queueId)?.config;
    const mine = ++this.#holding;
    const dir = this.#s.call.promptsDir;
    const still = () => mine === this.#holding && this.#offer === null && this.#waiting();
    let announced = this.#s.acd.clock.now();
    if (position > 0) await this.#announce(still);
    while (still()) {
      const end = await call.play(q?.holdPrompt ? { file: join(dir, q.holdPrompt) } : { tone: 'ringback' });
      if (end !== 'finished') return;
      // periodic announcements between rounds of the hold prompt (ringback plays until stopped)
      if (q && q.announceEveryS > 0 && this.#s.acd.clock.now() - announced >= q.announceEveryS * 1000 && still()) {
        announced = this.#s.acd.clock.now();
        await this.#announce(still);
      }
    }
  }

  /** the caller's position (and, spoken, the estimated wait) */
  async #announce(still: () => boolean): Promise<void> {
    const call = this.#call!;
    const i = this.#interaction;
    const q = i && this.#s.acd.queues.get(i.queueId)?.config;
    const position = i ? this.#s.acd.position(i.id) : 0;
    if (!q || position === 0) return;
    if (q.announceSpeech && this.#s.call.tts !== null) {
      const minutes = Math.max(1, Math.round(this.#s.acd.estimatedWaitMs(i.id) / 60_000));
      const text = `You are caller number ${position}. Your estimated wait is about ${minutes} minute${minutes === 1 ? '' : 's'}.`;
      try {
        const file = await this.#s.call.tts.promptFile({ text, rate: 8000 });
        if (still()) await call.play({ file });
      } catch (err) {
        this.#ctx?.logger.warn({ call: call.id, err: (err as Error).message }, 'queue announcement not synthesised');
      }
    } else if (q.positionPrompt) {
      // "you are caller number" then the digits' prompts (digit-<d>.wav), where present
      const dir = this.#s.call.promptsDir;
      await call.play({ file: join(dir, q.positionPrompt) });
      for (const digit of String(position)) if (still()) await call.play({ file: join(dir, `digit-${digit}.wav`) });
    }
  }

  /** the ACD offers this caller to `agents` (again for the same offer: one more agent, ring-progressively) */
  ringAgents(offerId: string, agents: readonly AgentConfig[]): void {
    if (this.#offer?.id !== offerId) this.#offer = { id: offerId, agents: new Map() };
    for (const a of agents) this.#offer.agents.set(a.id, a);
    this.#redial();
  }

  /** the ACD withdrew these agents (ring time up, log-out, the caller left) */
  stopAgents(agentIds: readonly string[], reason: OfferOutcome): void {
    if (reason === 'answered-elsewhere' || this.#offer === null) return;
    for (const id of agentIds) this.#offer.agents.delete(id);
    this.#redial();
  }

  /** the ACD moved the caller out (maximum wait, empty queue), or an exit key */
  leave(to: Overflow | null): void {
    this.#offer = null;
    this.#generation++;
    this.#call?.stopDial();
    this.#finish({ kind: 'left', to });
  }

  /** (re)starts the dial ringing the offer's agents now; the dial it replaces is cancelled first */
  #redial(): void {
    const call = this.#call!;
    const gen = ++this.#generation;
    call.stopDial();
    const offer = this.#offer;
    if (offer === null || offer.agents.size === 0) {
      this.#offer = null;
      void this.#dialling.then(() => {
        if (this.#waiting() && gen === this.#generation) void this.#hold(0);
      });
      return;
    }
    this.#dialling = this.#dialling.then(async () => {
      if (gen !== this.#generation || !this.#waiting()) return;
      const agents = [...offer.agents.values()];
      let settle: (o: HandlerOutcome) => void = () => {};
      const bridged = new Promise<HandlerOutcome>((resolve) => (settle = resolve));
      let taken = false;
      // an answer is known at once; the dial itself returns only when the bridge ends (dialNumbers)
      const onAnswered = (): void => {
        if (gen !== this.#generation) return;
        taken = true;
        this.#offer = null;
        const contact = call.winner?.target.contact;
        const agent = agents.find((a) => this.#s.call.locate(`sip:${a.extension}@${this.#s.call.domain}`).some((t) => t.contact === contact)) ?? agents[0]!;
        this.#s.acd.answered({ offerId: offer.id, agentId: agent.id });
        this.#finish({ kind: 'answered', bridged });
      };
      const outcome = await this.#s.call.dial({ call, ctx: this.#ctx!, services: this.#s.call, numbers: agents.map((a) => a.extension), timeoutMs: DIAL_GUARD_MS, onAnswered });
      if (taken) return settle(outcome);
      if (gen !== this.#generation) return;
      this.#offer = null;
      // the caller's own hang-up ends the dial too: that is the caller leaving (the close
      // listener tells the ACD), not the agent failing to take the offer
      if (outcome.kind === 'failed' && outcome.by !== 'caller' && call.state !== CallState.Ended) {
        const status = outcome.failure.status;
        this.#s.acd.offerFailed({ offerId: offer.id, outcome: status === 486 || status === 600 ? 'busy' : status === 603 ? 'rejected' : outcome.failure.cause === 'no-answer' ? 'no-answer' : 'unreachable' });
      }
      if (this.#waiting() && this.#offer === null) void this.#hold(0);
    });
  }
}
