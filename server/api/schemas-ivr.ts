// IVR flows' request and response shapes (issue 15). The flow document's own schema is server/ivr's
// (flow-schema.ts); it is validated there with its graph checks, so a body carries it as a JSON value
// here and a refusal names each problem by JSON pointer.
import { z } from 'zod';
import { SimAnswer } from '../ivr/simulator.js';

const Document = z.record(z.string(), z.unknown()).meta({ description: 'a flow document (GET /api/v1/ivr/schema)' });

export const FlowWrite = z.strictObject({
  name: z.string().trim().min(1).max(64),
  description: z.string().max(500).nullable().optional(),
  document: Document,
});
export const FlowUpdate = z.strictObject({ description: z.string().max(500).nullable().optional(), document: Document });
export const FlowValidate = z.strictObject({ document: Document });
export const FlowRollback = z.strictObject({ version: z.number().int().min(1) });
export const FlowSimulate = z.strictObject({
  answers: z.array(SimAnswer).max(200).default([]).meta({ description: 'what the caller does at each point the flow waits, in order; when they run out the caller hangs up' }),
  version: z.number().int().min(1).optional().meta({ description: 'default: the current version' }),
  caller: z.string().regex(/^\+?[0-9]{1,32}$/).optional(),
  dialled: z.string().regex(/^[0-9*#+]{1,32}$/).optional(),
});
export const FlowParams = z.object({ id: z.coerce.number().int().min(1) });
export const FlowVersionParams = z.object({ id: z.coerce.number().int().min(1), version: z.coerce.number().int().min(1) });
export const RunParams = z.object({ callId: z.string().min(1).max(64) });
export const MetricsQuery = z.object({ since: z.iso.datetime({ offset: true }).optional().meta({ description: 'count runs from this instant; default all' }) });

export const Flow = z.object({
  id: z.number().int(),
  name: z.string(),
  description: z.string().nullable(),
  currentVersion: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const FlowWithDocument = Flow.extend({ document: Document });
export const FlowList = z.object({ items: z.array(Flow) });
export const FlowVersion = z.object({ flowId: z.number().int(), version: z.number().int(), createdBy: z.string().nullable(), createdAt: z.iso.datetime(), document: Document });
export const FlowVersionList = z.object({ items: z.array(FlowVersion.omit({ document: true })) });

export const FlowProblem = z.object({
  pointer: z.string().meta({ description: 'RFC 6901 JSON pointer into the submitted document' }),
  code: z.enum(['schema', 'missing-node', 'missing-queue', 'missing-flow', 'missing-calendar', 'missing-extension', 'unreachable', 'loop-without-input']),
  message: z.string(),
});
export const FlowRefused = z.object({ error: z.literal('invalid flow'), problems: z.array(FlowProblem) });
export const FlowValidation = z.object({ ok: z.boolean(), problems: z.array(FlowProblem) });

const TraceStep = z.object({
  step: z.number().int(),
  node: z.string(),
  verb: z.string(),
  atMs: z.number(),
  prompt: z.string().optional(),
  input: z.string().optional(),
  branch: z.string().optional(),
  next: z.string().optional(),
  vars: z.record(z.string(), z.string()),
  detail: z.record(z.string(), z.unknown()).optional(),
  sensitive: z.literal(true).optional().meta({ description: "the node is marked sensitive: the call's recording was paused and what the caller gave reads [redacted]" }),
});
const Context = z.object({
  flowId: z.number().int(),
  version: z.number().int(),
  vars: z.record(z.string(), z.string()),
  path: z.array(z.string()),
  attempts: z.array(z.object({ node: z.string(), attempt: z.number().int(), input: z.string(), kind: z.string(), result: z.string() })),
  failures: z.number().int(),
  failuresByNode: z.record(z.string(), z.number().int()),
  intent: z.object({ node: z.string(), intent: z.string().nullable(), confidence: z.number(), source: z.enum(['model', 'rules', 'none']), utterance: z.string(), modelError: z.string().optional() }).optional(),
  outcome: z.string().optional(),
  trace: z.array(TraceStep),
});
export const Simulation = z.object({ outcome: z.record(z.string(), z.unknown()).meta({ description: "how the flow ended: completed, abandoned, enqueue, transfer or fallback, with where to" }), context: Context, unused: z.number().int() });
export const FlowRun = z.object({ id: z.string(), flowId: z.number().int(), version: z.number().int(), startedAt: z.iso.datetime(), endedAt: z.iso.datetime(), outcome: z.string(), path: z.array(z.string()), failuresByNode: z.record(z.string(), z.number().int()), trace: z.array(z.unknown()) });
export const FlowMetrics = z.object({
  flowId: z.number().int(),
  entered: z.number().int(),
  contained: z.number().int(),
  transferred: z.number().int(),
  fallback: z.number().int(),
  abandoned: z.number().int(),
  containmentRate: z.number().nullable(),
  nodes: z.record(z.string(), z.object({ entered: z.number().int(), failures: z.number().int(), abandoned: z.number().int() })),
});
