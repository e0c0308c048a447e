// An IVR flow as a document (issue 15): nodes keyed by id, each one verb, linked by node ids. The
// zod schema below is the one definition: the API validates with it and publishes its JSON Schema
// (GET /api/v1/ivr/schema); references, reachability and input-free loops are checked after it
// (validate.ts), because a schema cannot say "names a node that exists".
import { z } from 'zod';
import { isKnownTimeZone, WEEKDAYS } from '../calendars/index.js';

/** a node id: what `next`, branches and `start` name */
export const NodeId = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,47}$/, 'a node id: a letter, then letters, digits, - and _ (at most 48)');
/** a variable name: templates read it as {{name}} */
export const VarName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,47}$/, 'a variable name: a letter or _, then letters, digits and _');
const QueueId = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a queue id');
const Number = z.string().regex(/^[0-9*#+]{1,32}$/, 'a number: digits, *, # and +');
const Ms = (max: number) => z.number().int().min(100).max(max);
/**
 * PCI DSS: the caller gives something secret here (a card number, a PIN). While the step runs the
 * call's recording is paused (silence written, DTMF events redacted), and what the caller gave is
 * kept out of the trace, the attempts and the call record ("[redacted]"); the variable itself stays
 * usable by the rest of the run (an `http` step sending it to the payment system).
 */
const Sensitive = z.boolean().optional();

/** what is spoken or played: `say` is TTS text with {{variable}} templates, `play` a prompt file */
export const Prompt = z.union([
  z.strictObject({ say: z.string().trim().min(1).max(1000), voice: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/).optional() }),
  z.strictObject({ play: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}\.wav$/, 'a prompt file name ending .wav') }),
]);
export type Prompt = z.infer<typeof Prompt>;

/**
 * Where a gather or menu takes its answer from: 'dtmf' keys; 'speech', the caller's utterance
 * recognised on the speech process (calls, with HAILING_TRANSCRIBE_MODEL; VAD endpointing and
 * barge-in, speech-input.ts); 'text', typed in the simulator (it also stands for speech there).
 */
export const InputKind = z.enum(['dtmf', 'speech', 'text']);

const Dtmf = {
  firstDigitTimeoutMs: Ms(60_000).default(5000),
  interDigitTimeoutMs: Ms(30_000).default(3000),
  terminators: z.string().regex(/^[#*]{0,2}$/).default('#'),
};

const Answer = z.strictObject({ verb: z.literal('answer'), next: NodeId });
const Play = z.strictObject({ verb: z.literal('play'), prompt: Prompt, next: NodeId });
const Say = z.strictObject({ verb: z.literal('say'), text: z.string().trim().min(1).max(1000), voice: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/).optional(), next: NodeId });
const Gather = z.strictObject({
  verb: z.literal('gather'),
  sensitive: Sensitive,
  prompt: Prompt.optional(),
  /** the variable the digits (or text) are stored in */
  var: VarName,
  minLength: z.number().int().min(1).max(32).default(1),
  maxLength: z.number().int().min(1).max(32).default(1),
  ...Dtmf,
  input: z.array(InputKind).min(1).default(['dtmf']),
  /**
   * A spoken or typed answer must be one of these (matched as intents are: normalised, by sound for
   * Mandarin); the variable gets the phrase as written here. Keys are not affected.
   */
  phrases: z.array(z.string().trim().min(1).max(100)).min(1).max(200).optional(),
  /** how many times the prompt is repeated after a timeout or a too-short answer (then `failure`) */
  retries: z.number().int().min(0).max(9).default(2),
  next: NodeId,
  /** retries used up; absent: the flow's fallback */
  failure: NodeId.optional(),
});
const Menu = z.strictObject({
  verb: z.literal('menu'),
  sensitive: Sensitive,
  prompt: Prompt,
  /** a key (0-9, *, #) or a word typed in the simulator → the node it leads to */
  choices: z.record(z.string().regex(/^[0-9*#]$|^[a-z][a-z0-9 _-]{0,31}$/, 'a key 0-9, * or #, or a lower-case word'), NodeId).refine((c) => Object.keys(c).length >= 1, 'a menu has at least one choice'),
  timeoutMs: Ms(60_000).default(5000),
  input: z.array(InputKind).min(1).default(['dtmf']),
  /** attempts before `failure` (issue 15: "three failures go to a person") */
  retries: z.number().int().min(1).max(9).default(3),
  invalidPrompt: Prompt.optional(),
  timeoutPrompt: Prompt.optional(),
  /** retries used up; absent: the flow's fallback */
  failure: NodeId.optional(),
});
const Intent = z.strictObject({
  verb: z.literal('intent'),
  sensitive: Sensitive,
  prompt: Prompt.optional(),
  /** read the utterance from this variable instead of asking (e.g. a gather's text) */
  from: VarName.optional(),
  var: VarName.default('intent'),
  intents: z
    .array(
      z.strictObject({
        name: VarName,
        phrases: z.array(z.string().min(1).max(200)).max(100).default([]),
        /** every word of one keyword rule must be in the utterance ("card lost" matches "I lost my card") */
        keywords: z.array(z.string().min(1).max(100)).max(100).default([]),
        next: NodeId,
      }),
    )
    .min(1)
    .max(50),
  /** ask the configured chat/completions endpoint (config: ivrIntentModelUrl) before the rules */
  model: z.boolean().default(false),
  /** below this confidence a match counts as none */
  minConfidence: z.number().min(0).max(1).default(0.5),
  timeoutMs: Ms(60_000).default(5000),
  noMatch: NodeId,
});
const Rule = z.union([
  z.strictObject({ calendar: z.number().int().min(1), open: z.boolean().default(true) }),
  z.strictObject({ time: z.strictObject({ from: z.string().regex(/^\d\d:\d\d$/), to: z.string().regex(/^\d\d:\d\d$/), days: z.array(z.enum(WEEKDAYS)).optional(), timeZone: z.string().refine(isKnownTimeZone, 'an IANA time zone').default('UTC') }) }),
  z.strictObject({ var: VarName, op: z.enum(['eq', 'ne', 'in', 'exists', 'matches', 'gt', 'lt']), value: z.union([z.string(), z.number(), z.array(z.string())]).optional() }),
  z.strictObject({ callerIn: z.array(z.string().regex(/^\+?[0-9]{1,32}\*?$/, 'a number, or a prefix ending *')).min(1).max(1000) }),
]);
export type ConditionRule = z.infer<typeof Rule>;
const Condition = z.strictObject({
  verb: z.literal('condition'),
  /** the first rule that holds picks its node */
  branches: z.array(z.strictObject({ when: Rule, next: NodeId })).min(1).max(32),
  else: NodeId,
});
const Http = z.strictObject({
  verb: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }),
  method: z.enum(['GET', 'POST', 'PUT']).default('POST'),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1000)).optional(),
  /** a JSON body; strings in it are templates */
  body: z.unknown().optional(),
  timeoutMs: Ms(30_000).default(3000),
  retries: z.number().int().min(0).max(5).default(1),
  /** variable ← JSON pointer (RFC 6901) into the reply */
  assign: z.record(VarName, z.string().regex(/^(\/[^/]*)*$/, 'a JSON pointer')).default({}),
  next: NodeId,
  /** a timeout, a non-2xx status or a reply that is not JSON */
  failure: NodeId,
});
const SetVars = z.strictObject({ verb: z.literal('set'), vars: z.record(VarName, z.string().max(1000)), next: NodeId });
const Record = z.strictObject({ verb: z.literal('record'), sensitive: Sensitive, var: VarName.default('recording'), maxS: z.number().int().min(1).max(600).default(60), beep: z.boolean().default(true), next: NodeId });
const Skill = z.strictObject({ skill: z.string().min(1).max(32), minLevel: z.number().int().min(1).max(100) });
const Enqueue = z.strictObject({
  verb: z.literal('enqueue'),
  queue: QueueId,
  priority: z.number().int().min(0).max(100).optional(),
  skills: z.array(Skill).max(16).optional(),
  /** variables handed to the agent with the call; absent: all of them */
  attach: z.array(VarName).optional(),
});
const Transfer = z.strictObject({
  verb: z.literal('transfer'),
  to: z.union([z.strictObject({ extension: z.string().regex(/^[0-9]{2,15}$/) }), z.strictObject({ number: Number }), z.strictObject({ flow: z.number().int().min(1) })]),
});
const Hangup = z.strictObject({ verb: z.literal('hangup') });
/** leave a message in an extension's mailbox (the voicemail module's deposit, greeting included) */
const Voicemail = z.strictObject({ verb: z.literal('voicemail'), mailbox: z.string().regex(/^[0-9]{2,15}$/) });

export const FlowNode = z.discriminatedUnion('verb', [Answer, Play, Say, Gather, Menu, Intent, Condition, Http, SetVars, Record, Enqueue, Transfer, Voicemail, Hangup]);
export type FlowNode = z.infer<typeof FlowNode>;
export type VerbName = FlowNode['verb'];
export type NodeOf<V extends VerbName> = Extract<FlowNode, { verb: V }>;

/** where a caller goes after too many failures ("three failures go to a person") */
export const Fallback = z.union([z.strictObject({ queue: QueueId, priority: z.number().int().min(0).max(100).optional() }), z.strictObject({ extension: z.string().regex(/^[0-9]{2,15}$/) })]);
export type Fallback = z.infer<typeof Fallback>;

export const FlowDocument = z.strictObject({
  start: NodeId,
  /** failures across the whole flow (timeouts, invalid answers, failed look-ups) before the fallback */
  maxFailures: z.number().int().min(1).max(20).default(3),
  /** absent: the caller is hung up on after the last failure, with an apology if `sorry` says one */
  fallback: Fallback.optional(),
  /** answered before the start node unless false (a flow that only branches may leave the call ringing) */
  answer: z.boolean().default(true),
  vars: z.record(VarName, z.string().max(1000)).default({}),
  nodes: z.record(NodeId, FlowNode).refine((n) => Object.keys(n).length >= 1 && Object.keys(n).length <= 500, 'a flow has 1 to 500 nodes'),
});
export type FlowDocument = z.infer<typeof FlowDocument>;
export type FlowDocumentInput = z.input<typeof FlowDocument>;

/** the verbs that wait for the caller: a loop must pass through one (validate.ts) */
export const INPUT_VERBS: ReadonlySet<VerbName> = new Set(['gather', 'menu', 'intent', 'record']);

/** whether a node is marked sensitive (only the input verbs can be) */
export const isSensitive = (node: FlowNode): boolean => 'sensitive' in node && node.sensitive === true;

/** the text stored instead of what a caller gave in a sensitive step */
export const REDACTED = '[redacted]';

/** the published JSON Schema (draft 2020-12) of a flow document, as the API accepts it */
export function flowJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(FlowDocument, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
