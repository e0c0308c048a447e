// The dial plan's 'flow' step: an IVR flow as one call handler. The flow's current version is read
// when the step starts and kept for the whole call (a new version or a rollback meanwhile does not
// touch it). The engine walks the flow on the call; its end becomes the next handler: a queue (the
// flow's context attached for the agent), an extension, a number through the dial plan, another
// flow. What the flow learned goes on the call's record and into the flow's runs (metrics).
import { CallState, type Call } from '../calls/call.js';
import { BaseHandler, type CallHandler, type HandlerContext, type HandlerFactory, type HandlerOutcome } from '../calls/handlers/handler.js';
import type { Destination } from '../calls/dialplan/destinations.js';

import { FAILURES } from '../calls/outcome.js';
import { DIALPLAN_LOOP, type ResolvedStep } from '../calls/dialplan/resolver.js';
import { FlowDocument } from './flow-schema.js';
import { runFlow, type FlowServices } from './engine.js';
import { callIo, type CallIoServices } from './call-io.js';
import type { FlowContext, FlowOutcome } from './run-state.js';
import { VERBS } from './verbs.js';

export interface FlowSource {
  /** the version calls start with now; undefined: no such flow */
  current(flowId: number): Promise<{ readonly version: number; readonly document: unknown } | undefined>;
}

export interface FlowRunRecord {
  readonly id: string;
  readonly flowId: number;
  readonly version: number;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: FlowOutcome['kind'];
  readonly path: readonly string[];
  readonly failuresByNode: Record<string, number>;
  readonly trace: readonly unknown[];
}

export interface FlowHandlerServices {
  readonly flows: FlowSource;
  readonly flow: FlowServices;
  /** the dial plan's steps for a number (transfer to a number) */
  readonly resolve?: (o: { readonly from: string; readonly to: string }) => Promise<readonly ResolvedStep[]>;
  /** a run ended (ivr_runs; a failed write is logged there) */
  readonly saved?: (run: FlowRunRecord) => void;
}

/** how deep transfers from flow to flow may go before the call fails (a loop of flows) */
const MAX_FLOW_DEPTH = 8;

/** the context an agent receives: everything but the trace, and only the variables the flow attaches */
export function attachedContext(c: FlowContext, attach: readonly string[] | undefined): Record<string, unknown> {
  const vars = attach === undefined ? c.vars : Object.fromEntries(attach.filter((k) => k in c.vars).map((k) => [k, c.vars[k]!]));
  const { trace: _trace, ...rest } = c;
  return { ...rest, vars };
}

export class FlowHandler extends BaseHandler {
  readonly name = 'flow';
  readonly #s: FlowHandlerServices;
  readonly #call: CallIoServices;
  readonly #run: HandlerFactory;
  readonly #depth: number;
  #child: CallHandler | undefined;

  constructor(o: { readonly services: FlowHandlerServices; readonly call: CallIoServices; readonly run: HandlerFactory; readonly depth?: number }) {
    super();
    this.#s = o.services;
    this.#call = o.call;
    this.#run = o.run;
    this.#depth = o.depth ?? 0;
    this.onKill((reason) => this.#child?.kill(reason));
  }

  protected async run(call: Call, ctx: HandlerContext): Promise<HandlerOutcome> {
    const d = ctx.step.destination;
    if (d.kind !== 'flow') throw new Error(`flow cannot run a '${d.kind}' destination`);
    const stored = await this.#s.flows.current(d.flow);
    const doc = stored && FlowDocument.safeParse(stored.document);
    if (!stored || !doc?.success) {
      ctx.logger.warn({ call: call.id, flow: d.flow }, 'IVR flow missing or unreadable: step skipped');
      return { kind: 'failed', failure: FAILURES.notFound, by: 'system' };
    }
    const abort = new AbortController();
    this.onKill((reason) => abort.abort(reason));
    const startedAt = this.#s.flow.now();
    const state = await runFlow({ flowId: d.flow, version: stored.version, doc: doc.data, io: callIo({ call, ctx, services: this.#call }), services: this.#s.flow, verbs: VERBS, signal: abort.signal });
    const context = state.context({ withTrace: true });
    const outcome = state.outcome!;
    call.ivrContext(context as unknown as Record<string, unknown>);
    this.#s.saved?.({ id: call.id, flowId: d.flow, version: stored.version, startedAt, endedAt: this.#s.flow.now(), outcome: outcome.kind, path: context.path, failuresByNode: { ...context.failuresByNode }, trace: context.trace });
    ctx.logger.info({ call: call.id, flow: d.flow, version: stored.version, outcome: outcome.kind, path: context.path.join(' ') }, 'IVR flow ended');
    return this.#leave(call, ctx, outcome, context);
  }

  async #leave(call: Call, ctx: HandlerContext, outcome: FlowOutcome, context: FlowContext): Promise<HandlerOutcome> {
    if (call.state === CallState.Ended || outcome.kind === 'abandoned') return { kind: 'killed', reason: 'call-ended' };
    const step = (destination: Destination): ResolvedStep => ({ destination, argument: '', dialled: ctx.step.dialled });
    switch (outcome.kind) {
      case 'completed':
        await call.hangup('system', 'normal-clearing');
        return { kind: 'killed', reason: 'ivr-hangup' };
      case 'enqueue':
        return this.#then(call, ctx, step({ kind: 'queue', queue: outcome.queue, ...(outcome.priority !== undefined ? { priority: outcome.priority } : {}), ...(outcome.skills ? { requirements: [...outcome.skills] } : {}), attached: attachedContext(context, outcome.attach) }));
      case 'fallback': {
        const to = outcome.to;
        if (to === null) {
          await call.hangup('system', 'ivr-failures');
          return { kind: 'killed', reason: 'ivr-failures' };
        }
        if ('queue' in to) return this.#then(call, ctx, step({ kind: 'queue', queue: to.queue, ...(to.priority !== undefined ? { priority: to.priority } : {}), attached: attachedContext(context, undefined) }));
        return this.#then(call, ctx, step({ kind: 'extension', number: to.extension }));
      }
      case 'voicemail':
        return this.#then(call, ctx, step({ kind: 'voicemail', action: 'deposit', mailbox: outcome.mailbox }));
      case 'transfer': {
        const to = outcome.to;
        if ('extension' in to) return this.#then(call, ctx, step({ kind: 'extension', number: to.extension }));
        if ('flow' in to) {
          if (this.#depth + 1 >= MAX_FLOW_DEPTH) return { kind: 'failed', failure: DIALPLAN_LOOP, by: 'system' };
          const next = new FlowHandler({ services: this.#s, call: this.#call, run: this.#run, depth: this.#depth + 1 });
          return this.#exec(next, call, ctx, step({ kind: 'flow', flow: to.flow }));
        }
        const steps = (await this.#s.resolve?.({ from: call.caller.number, to: to.number })) ?? [];
        let last: HandlerOutcome = { kind: 'failed', failure: FAILURES.notFound, by: 'system' };
        for (const s of steps) {
          last = await this.#then(call, ctx, s);
          if (last.kind !== 'failed' && last.kind !== 'next') return last;
        }
        return last;
      }
    }
  }

  #then(call: Call, ctx: HandlerContext, step: ResolvedStep): Promise<HandlerOutcome> {
    return this.#exec(this.#run(step), call, ctx, step);
  }

  async #exec(h: CallHandler, call: Call, ctx: HandlerContext, step: ResolvedStep): Promise<HandlerOutcome> {
    this.#child = h;
    if (this.killed !== undefined) h.kill(this.killed);
    call.handlerStarted(h.name);
    return h.exec(call, { ...ctx, step });
  }
}
