// The ACD's configuration as zod schemas: the API validates with them (and the OpenAPI document
// shows them), the service builds engine configs from their output. Semantic checks that need the
// other tables (unknown skill, unknown overflow queue, an agent in a queue twice) are in service.ts.
import { z } from 'zod';
import { PROMPT_NAME } from '../calls/dialplan/destinations.js';
import { STRATEGY_NAMES } from './strategies/index.js';
import { DEFAULT_QUEUE } from './types.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'an id is 1 to 32 of a-z, 0-9, - and _');
const SkillName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, 'a skill name is 1 to 32 of a-z, 0-9, - and _');
const Level = z.number().int().min(1, 'a level is 1 to 100').max(100, 'a level is 1 to 100');
const seconds = (what: string, min = 0) =>
  z
    .number()
    .int()
    .min(min, min === 0 ? `${what} cannot be negative` : `${what} is at least ${min} s`)
    .max(86_400, `${what} is at most a day`);
const Prompt = z.string().regex(PROMPT_NAME, 'a prompt is a file name in the prompts folder: letters, digits, - and _, ending .wav').nullable();
const Overflow = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('queue'), queue: Id }), z.strictObject({ kind: z.literal('number'), number: z.string().regex(/^[0-9*#+]{1,32}$/) })]);
const Empty = z.enum(['never', 'no-members', 'no-available']);

export const SkillWrite = z.strictObject({ name: SkillName, description: z.string().trim().max(200).nullable().default(null) });

export const QueueWrite = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(100),
  strategy: z.enum(STRATEGY_NAMES, { error: (i) => `unknown strategy ${JSON.stringify(i.input)}: one of ${STRATEGY_NAMES.join(', ')}` }).default(DEFAULT_QUEUE.strategy),
  requirements: z.array(z.strictObject({ skill: SkillName, minLevel: Level })).max(16).default([]),
  widening: z
    .array(z.strictObject({ afterS: seconds('a widening step'), maxMinLevel: Level.optional(), drop: z.array(SkillName).max(16).optional() }))
    .max(8)
    .default([]),
  ringTimeoutS: seconds('the ring timeout', 1).default(DEFAULT_QUEUE.ringTimeoutS),
  progressiveStepS: seconds('the progressive step', 1).default(DEFAULT_QUEUE.progressiveStepS),
  retryS: seconds('the retry delay').default(DEFAULT_QUEUE.retryS),
  maxWaitS: seconds('the maximum wait').default(0).meta({ description: '0: no limit' }),
  maxLength: z.number().int().min(0, 'the maximum length cannot be negative').max(100_000).default(0),
  overflow: Overflow.nullable().default(null),
  joinEmpty: Empty.default('never'),
  leaveEmpty: Empty.default('never'),
  wrapUp: z
    .strictObject({ mode: z.enum(['none', 'optional', 'mandatory', 'mandatory-timeout']), seconds: seconds('the wrap-up time'), codes: z.array(z.string().min(1).max(32)).max(50).default([]) })
    .default({ mode: 'none', seconds: 0, codes: [] }),
  serviceLevelS: seconds('the service level threshold', 1).default(DEFAULT_QUEUE.serviceLevelS),
  shortAbandonS: seconds('the short-abandon threshold').default(DEFAULT_QUEUE.shortAbandonS),
  vip: z.array(z.string().regex(/^[0-9*#+]{1,32}$/)).max(1000).default([]),
  vipPriority: z.number().int().min(0).max(100).default(DEFAULT_QUEUE.vipPriority),
  exitKeys: z
    .record(z.string().regex(/^[0-9*#]$/, 'an exit key is one DTMF digit'), z.discriminatedUnion('kind', [...Overflow.options, z.strictObject({ kind: z.literal('callback') })]))
    .default({})
    .meta({ description: "{ kind: 'callback' }: the caller hangs up, keeps the place and is called back (agent first)" }),
  holdPrompt: Prompt.default(null),
  positionPrompt: Prompt.default(null),
  announceEveryS: seconds('the announcement period').default(0),
  announceSpeech: z.boolean().default(false).meta({ description: 'speak the position and estimated wait with on-device TTS (espeak-ng without a voice model)' }),
});

export const AgentWrite = z.strictObject({
  id: Id,
  name: z.string().trim().min(1).max(100),
  extension: z.string().regex(/^[0-9]{2,15}$/, 'an extension number is 2 to 15 digits'),
  pin: z
    .string()
    .regex(/^[0-9]{4,12}$/, 'a PIN is 4 to 12 digits')
    .optional()
    .meta({ description: 'for *50/*51; stored only as a keyed hash and never returned; required for a new agent, kept when a replacement leaves it out' }),
  skills: z.record(SkillName, Level).default({}),
  capacity: z.strictObject({ call: z.number().int().min(0).max(1).optional(), callback: z.number().int().min(0).max(1).optional(), chat: z.number().int().min(0).max(10).optional() }).default({}),
  maxMissed: z.number().int().min(0, 'cannot be negative').max(100).default(3),
  team: z.string().trim().min(1).max(64).nullable().default(null).meta({ description: 'supervisors given this team (users.teams) oversee the agent' }),
});

export const MembershipWrite = z.strictObject({
  agentId: Id,
  queueId: Id,
  penalty: z.number().int().min(0, 'a penalty cannot be negative').max(100).default(0),
  weight: z.number().int().min(1).max(100).default(1),
  position: z.number().int().min(0).max(100_000).default(0),
});

export const AgentAction = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('login'),
    breakReason: z.string().min(1).max(32).optional(),
    browser: z.boolean().default(false).meta({ description: 'a console log-in: the agent must send heartbeats or is logged out (HAILING_ACD_AGENT_HEARTBEAT_TIMEOUT_MS)' }),
  }),
  z.strictObject({ action: z.literal('logout') }),
  z.strictObject({ action: z.literal('break'), reason: z.string().min(1).max(32) }),
  z.strictObject({ action: z.literal('available') }),
  z.strictObject({ action: z.literal('wrap-up-done'), code: z.string().min(1).max(32).nullable().default(null) }),
]);

export type QueueWrite = z.output<typeof QueueWrite>;
export type AgentWrite = z.output<typeof AgentWrite>;
export type MembershipWrite = z.output<typeof MembershipWrite>;
export type AgentAction = z.output<typeof AgentAction>;
