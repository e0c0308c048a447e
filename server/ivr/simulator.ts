// The simulator: a flow walked with typed answers instead of a call (issue 15). Each answer is
// what the caller does at the next point the flow waits: keys (as RFC 4733 would deliver them, the
// terminator included), text (what a recogniser would have heard), a timeout, or hanging up. The
// engine, verbs and failure rules are the live call's; only the FlowIo differs, so the trace is
// the one the call would write.
import { z } from 'zod';
import type { FlowDocument } from './flow-schema.js';
import { runFlow, type FlowServices } from './engine.js';
import type { FlowIo, InputAnswer, InputRequest } from './io.js';
import type { FlowContext, FlowOutcome } from './run-state.js';
import { VERBS } from './verbs.js';

export const SimAnswer = z.union([
  z.strictObject({ dtmf: z.string().regex(/^[0-9*#A-D]{1,64}$/, 'keys: 0-9, *, #, A-D') }),
  z.strictObject({ text: z.string().min(1).max(500) }),
  z.strictObject({ timeout: z.literal(true) }),
  z.strictObject({ hangup: z.literal(true) }),
]);
export type SimAnswer = z.infer<typeof SimAnswer>;

/** keys typed at once, read as Call.collectDigits reads them: up to a terminator or the maximum */
export function digitsOf(keys: string, req: InputRequest): InputAnswer {
  let digits = '';
  for (const k of keys) {
    if (req.dtmf.terminators.includes(k)) return { kind: 'dtmf', digits, end: 'terminator' };
    digits += k;
    if (digits.length >= req.dtmf.maxLength) return { kind: 'dtmf', digits, end: 'max' };
  }
  return digits === '' ? { kind: 'timeout' } : { kind: 'dtmf', digits, end: 'inter-digit-timeout' };
}

export interface SimulationResult {
  readonly outcome: FlowOutcome;
  readonly context: FlowContext;
  /** answers the flow never asked for */
  readonly unused: number;
}

export async function simulateFlow(o: {
  readonly flowId: number;
  readonly version: number;
  readonly doc: FlowDocument;
  readonly answers: readonly SimAnswer[];
  readonly services: FlowServices;
  readonly caller?: string;
  readonly dialled?: string;
}): Promise<SimulationResult> {
  const queue = [...o.answers];
  const io: FlowIo = {
    caller: o.caller ?? '1000',
    dialled: o.dialled ?? '',
    answer: async () => true,
    prompt: async () => 'done',
    record: async () => null,
    input: {
      kinds: ['dtmf', 'text'],
      async collect(req) {
        // the flow waits and nothing more was typed: the caller hangs up (the run ends there)
        const a = queue.shift() ?? { hangup: true as const };
        if ('hangup' in a) return { kind: 'hangup' };
        if ('timeout' in a) return { kind: 'timeout' };
        if ('text' in a) return req.accept.includes('text') ? { kind: 'text', text: a.text } : { kind: 'timeout' };
        return req.accept.includes('dtmf') ? digitsOf(a.dtmf, req) : { kind: 'timeout' };
      },
    },
  };
  const state = await runFlow({ flowId: o.flowId, version: o.version, doc: o.doc, io, services: o.services, verbs: VERBS });
  return { outcome: state.outcome!, context: state.context({ withTrace: true }), unused: queue.length };
}
