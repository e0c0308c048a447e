// The flow runtime: walks a validated document node by node, each node run by its verb (verbs-*.ts,
// jambonz-style tasks: one exec per verb, typed result), against a FlowIo (a live call or the
// simulator). It owns the failure count: each timeout or invalid answer counts once flow-wide, and
// at the flow's maxFailures the caller leaves for the fallback with everything learned so far.
import { isSensitive, REDACTED, type FlowDocument, type FlowNode, type VerbName } from './flow-schema.js';
import type { FlowIo, RenderedPrompt } from './io.js';
import { RunState, type FlowOutcome, type TraceStep } from './run-state.js';
import type { IntentModel } from './intent-model.js';

export interface FlowServices {
  /** ms since the epoch (the injected clock) */
  readonly now: () => number;
  /** the `http` verb's client (global fetch in production, anything in tests) */
  readonly fetch: typeof fetch;
  /** whether business calendar `id` is open at `instant` (null: no such calendar, counts as closed) */
  readonly calendarOpen?: (o: { readonly id: number; readonly instant: number }) => Promise<boolean | null>;
  /** the chat/completions endpoint for `intent` nodes with `model: true`; absent: rules only */
  readonly intentModel?: IntentModel;
}

/** what a verb tells the engine: go to `next`, or leave the flow */
export type StepResult = { readonly next: string } | { readonly end: FlowOutcome };

export interface StepNote {
  readonly prompt?: string;
  readonly input?: string;
  readonly branch?: string;
  readonly next?: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface VerbContext<N extends FlowNode = FlowNode> {
  readonly id: string;
  readonly node: N;
  readonly doc: FlowDocument;
  readonly state: RunState;
  readonly io: FlowIo;
  readonly services: FlowServices;
  /** one line of the trace (a menu writes one per attempt) */
  note(n: StepNote): void;
  /** counts a failure at this node; the fallback's outcome once the flow's limit is reached, else null */
  failure(reason: string): StepResult | null;
  /** where a node with no failure branch of its own goes when its retries are used up */
  fallback(reason: string): StepResult;
  /** the caller hung up */
  readonly abandoned: StepResult;
}

export type Verb<V extends VerbName> = (ctx: VerbContext<Extract<FlowNode, { verb: V }>>) => Promise<StepResult>;
export type VerbTable = { readonly [V in VerbName]: Verb<V> };

/** a run that cannot end otherwise (a caller pressing valid keys round a menu loop forever) stops here */
export const MAX_STEPS = 1000;

export interface FlowRunOptions {
  readonly flowId: number;
  readonly version: number;
  readonly doc: FlowDocument;
  readonly io: FlowIo;
  readonly services: FlowServices;
  readonly verbs: VerbTable;
  /** the run is stopped (the call closed): the next step ends it as abandoned */
  readonly signal?: AbortSignal;
  /** each trace line as it is written (live views, the metrics) */
  readonly onStep?: (s: TraceStep) => void;
}

/** a trace line's caller-given parts as they may be kept: all of it at a sensitive node, secret values elsewhere */
function redactNote(s: StepNote, sensitive: boolean, state: RunState): StepNote {
  const input = s.input === undefined ? undefined : sensitive && s.input !== '' ? REDACTED : state.redact(s.input);
  // the detail's own strings too: an http step's URL may carry the number in its query
  const detail = s.detail && Object.fromEntries(Object.entries(s.detail).map(([k, v]) => [k, sensitive && k === 'utterance' ? REDACTED : typeof v === 'string' ? state.redact(v) : v]));
  return { ...s, ...(s.prompt !== undefined ? { prompt: state.redact(s.prompt) } : {}), ...(input !== undefined ? { input } : {}), ...(detail !== undefined ? { detail } : {}) };
}

export async function runFlow(o: FlowRunOptions): Promise<RunState> {
  const startedAt = o.services.now();
  const state = new RunState({ flowId: o.flowId, version: o.version, vars: { ...o.doc.vars, caller: o.io.caller, dialled: o.io.dialled }, startedAt });
  const toFallback = (node: string, reason: string): FlowOutcome => ({ kind: 'fallback', to: o.doc.fallback ?? null, node, reason });
  const fallback = (node: string, reason: string): StepResult => ({ end: toFallback(node, reason) });
  const end = (outcome: FlowOutcome): RunState => {
    state.outcome = outcome;
    return state;
  };
  // a spoken prompt with a secret value in it (a card number read back) is marked so that it is synthesised uncached
  const mark = (p: RenderedPrompt): RenderedPrompt => ('say' in p && state.redact(p.say) !== p.say ? { ...p, secret: true } : p);
  const io: FlowIo = {
    ...o.io,
    prompt: (p) => o.io.prompt(mark(p)),
    input: { kinds: o.io.input.kinds, collect: (req) => o.io.input.collect(req.prompt ? { ...req, prompt: mark(req.prompt) } : req) },
  };
  if (o.doc.answer && !(await o.io.answer())) return end({ kind: 'abandoned' });
  let id = o.doc.start;
  for (let n = 0; n < MAX_STEPS; n++) {
    if (o.signal?.aborted) return end({ kind: 'abandoned' });
    const node = o.doc.nodes[id];
    if (node === undefined) return end(toFallback(id, `no node '${id}'`));
    state.path.push(id);
    const nodeId = id;
    const secret = isSensitive(node);
    // a sensitive gather's variable is secret from the moment it is asked for (its own trace line shows it)
    if (secret && node.verb === 'gather') state.secrets.add(node.var);
    const ctx: VerbContext = {
      id: nodeId,
      node,
      doc: o.doc,
      state,
      io,
      services: o.services,
      note(s) {
        const line: TraceStep = { step: state.trace.length + 1, node: nodeId, verb: node.verb, atMs: o.services.now() - startedAt, ...redactNote(s, secret, state), vars: state.publicVars(), ...(secret ? { sensitive: true as const } : {}) };
        state.trace.push(line);
        o.onStep?.(line);
      },
      failure(reason) {
        return state.failed(nodeId) >= o.doc.maxFailures ? fallback(nodeId, `${state.failures} failures (last: ${reason})`) : null;
      },
      fallback: (reason) => fallback(nodeId, reason),
      abandoned: { end: { kind: 'abandoned' } },
    };
    const verb = o.verbs[node.verb] as Verb<VerbName>;
    const attemptsBefore = state.attempts.length;
    // PCI DSS: the recording is paused for the whole step and resumed however it ends (an answer,
    // a timeout, the caller hanging up, an exception)
    if (secret) await o.io.sensitive?.({ node: nodeId, on: true });
    let result: StepResult;
    try {
      result = await verb(ctx as VerbContext<never>);
    } finally {
      if (secret) {
        state.redactAttempts(attemptsBefore);
        if (state.intent?.node === nodeId) state.intent = { ...state.intent, utterance: REDACTED };
        await o.io.sensitive?.({ node: nodeId, on: false });
      }
    }
    if ('end' in result) return end(result.end);
    id = result.next;
  }
  return end(toFallback(id, `more than ${MAX_STEPS} steps`));
}
