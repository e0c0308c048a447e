// Call handlers (CONVENTIONS.md §5, jambonz's tasks): each step of a call's dial plan resolution
// runs as one handler on the anchored Call. exec() resolves with a typed outcome; kill() stops it
// early (the caller hung up, the call is shutting down) and exec() then resolves 'killed'. A
// 'failed' outcome lets the chain run its next step (forward on busy, the ring group after the
// extension); the last failure is what the caller is told.
import type { IncomingRequest, Logger } from '../../sip/index.js';
import { CallState, type Call } from '../call.js';
import type { ResolvedStep } from '../dialplan/resolver.js';
import { FAILURES, type Failure } from '../outcome.js';
import type { HangupSide } from '../types.js';

export type HandlerOutcome =
  /** the call is answered (by a callee, or here into a room): nothing more to run */
  | { readonly kind: 'answered' }
  /** this step did its part on a call it leaves open (answered here, a prompt played): the next step runs */
  | { readonly kind: 'next' }
  /** this step did not connect the call; the next step may */
  | { readonly kind: 'failed'; readonly failure: Failure; readonly by: HangupSide }
  /** a bridge from a call answered here ended and the caller is Hailing's again: the callee hung up, or unbridge() */
  | { readonly kind: 'unbridged'; readonly reason: 'peer-hangup' | 'unbridged' }
  | { readonly kind: 'killed'; readonly reason: string };

export interface HandlerContext {
  /** the caller's INVITE (its offer) */
  readonly request: IncomingRequest;
  /** RFC 3261 §16.6 step 3: what the outgoing requests' Max-Forwards is derived from */
  readonly maxForwards: number;
  readonly step: ResolvedStep;
  readonly logger: Logger;
  /**
   * Steps run for an extension's forward to a number outside (forwardOut): the forwarding
   * extension's permission classes and fraud limits apply to the call out, not the caller's
   */
  readonly onBehalfOf?: { readonly number: string; readonly permissions: readonly string[] };
}

/**
 * Runs the steps an extension's forward resolved to (a route out), in order until one is not a
 * failure: unlike runSteps the call is not failed at the end, the extension step reports it.
 */
export async function runForwardSteps(o: { call: Call; steps: readonly ResolvedStep[]; factory: HandlerFactory; ctx: HandlerContext; onBehalfOf: NonNullable<HandlerContext['onBehalfOf']> }): Promise<HandlerOutcome> {
  let last: HandlerOutcome = { kind: 'failed', failure: FAILURES.notFound, by: 'system' };
  for (const step of o.steps) {
    const handler = o.factory(step);
    o.call.handlerStarted(handler.name);
    const release = o.call.adopt({ close: (reason) => handler.kill(reason) });
    last = await handler.exec(o.call, { request: o.ctx.request, maxForwards: o.ctx.maxForwards, step, logger: o.ctx.logger, onBehalfOf: o.onBehalfOf });
    release();
    if (last.kind !== 'failed' || (o.call.state !== CallState.Routing && o.call.state !== CallState.AnsweredLocally)) return last;
  }
  return last;
}

export interface CallHandler {
  /** for the call record and logs: 'dial-extension', 'conference', ... */
  readonly name: string;
  exec(call: Call, ctx: HandlerContext): Promise<HandlerOutcome>;
  kill(reason: string): void;
  /** settles with exec()'s outcome */
  readonly done: Promise<HandlerOutcome>;
}

/**
 * The plumbing every handler shares: the completion promise, and kill() telling the listeners once.
 * A plain list, not an AbortController: one runs per call, and Node's EventTarget costs more than
 * the rest of a handler's bookkeeping (issue 10 benchmark).
 */
export abstract class BaseHandler implements CallHandler {
  abstract readonly name: string;
  readonly done: Promise<HandlerOutcome>;
  #killed: string | undefined;
  #onKill: ((reason: string) => void)[] = [];
  #settle!: (o: HandlerOutcome) => void;

  constructor() {
    this.done = new Promise((resolve) => (this.#settle = resolve));
  }

  get killed(): string | undefined {
    return this.#killed;
  }

  /** `listener` hears the first kill(); one added after it never runs (as an aborted signal's) */
  protected onKill(listener: (reason: string) => void): void {
    if (this.#killed === undefined) this.#onKill.push(listener);
  }

  kill(reason: string): void {
    if (this.#killed !== undefined) return;
    this.#killed = String(reason);
    const listeners = this.#onKill;
    this.#onKill = [];
    for (const listener of listeners) {
      try {
        listener(this.#killed);
      } catch (err) {
        // as EventTarget does: the others still hear it, the error surfaces on its own
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }

  async exec(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const outcome = await this.run(call, ctx).catch((err: unknown): HandlerOutcome => {
      ctx.logger.error({ call: call.id, handler: this.name, err: err instanceof Error ? err.stack : String(err) }, 'call handler failed');
      return { kind: 'failed', failure: { status: 500, disposition: 'FAILED', cause: 'handler-error' }, by: 'system' };
    });
    const final = this.killed !== undefined && outcome.kind !== 'answered' ? { kind: 'killed' as const, reason: this.killed } : outcome;
    this.#settle(final);
    return final;
  }

  protected abstract run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome>;
}

export type HandlerFactory = (step: ResolvedStep) => CallHandler;

/**
 * Runs the steps in order on the call. Each handler is adopted by the call while it runs, so the
 * call's close (CANCEL, shutdown) kills it; a failed step falls through to the next, and when the
 * last one fails the call fails with its outcome. Resolves with the last step's outcome.
 */
export async function runSteps(o: { call: Call; steps: readonly ResolvedStep[]; factory: HandlerFactory; request: IncomingRequest; maxForwards: number; logger: Logger }): Promise<HandlerOutcome | undefined> {
  let last: HandlerOutcome | undefined;
  for (const step of o.steps) {
    const handler = o.factory(step);
    o.call.handlerStarted(handler.name);
    const release = o.call.adopt({ close: (reason) => handler.kill(reason) });
    last = await handler.exec(o.call, { request: o.request, maxForwards: o.maxForwards, step, logger: o.logger });
    // what a handler keeps after answering (a room seat) it hands to the call itself (Call.adopt)
    release();
    if (last.kind === 'answered' || last.kind === 'killed') return last;
    if (last.kind === 'unbridged' && last.reason === 'peer-hangup') {
      // the default plan ends the call when the callee hangs up, as a two-party call always did
      if (o.call.state === CallState.AnsweredLocally) await o.call.hangup('callee', 'normal-clearing');
      return last;
    }
    // a failed step falls through only while the caller is still there: waiting (not after
    // CANCEL) or answered here (a bridge that failed leaves the caller to the next step)
    if (o.call.state !== CallState.Routing && o.call.state !== CallState.AnsweredLocally) return last;
    if (last.kind === 'failed') o.logger.debug({ call: o.call.id, handler: handler.name, cause: last.failure.cause }, 'call step failed');
  }
  if (o.call.state === CallState.AnsweredLocally) {
    // the plan ran out with the caller answered here and connected to no one: BYE
    await o.call.hangup('system', last?.kind === 'failed' ? last.failure.cause : 'dialplan-end');
    return last;
  }
  if (last?.kind === 'failed') o.call.fail(last.failure, last.by);
  return last;
}
