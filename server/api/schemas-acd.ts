// The ACD's request and response shapes; the configuration schemas are the ACD's own
// (server/acd/config-schema.ts), so the API validates exactly what the engine takes.
import { z } from 'zod';
import { AgentWrite, MembershipWrite, QueueWrite, SkillWrite } from '../acd/config-schema.js';

export { AgentAction, AgentWrite, MembershipWrite, QueueWrite, SkillWrite } from '../acd/config-schema.js';

export const AcdIdParams = z.object({ id: z.string().min(1).max(32) });
export const AcdSkillParams = z.object({ name: z.string().min(1).max(32) });
export const AcdMembershipParams = z.object({ agentId: z.string().min(1).max(32), queueId: z.string().min(1).max(32) });
export const AcdCallbackBody = z.strictObject({
  number: z.string().regex(/^[0-9*#+]{1,32}$/).optional().meta({ description: 'the number to call back; default the caller’s' }),
  maxAttempts: z.number().int().min(1).max(10).default(3),
});
export const AcdMoveBody = z.strictObject({ queueId: z.string().min(1).max(32) });
export const AcdMoved = z.object({ id: z.string(), from: z.string(), to: z.string() });
export const AcdMonitor = z.object({
  agentId: z.string(),
  callId: z.string().nullable().meta({ description: 'the queue call the agent is talking on now; null when none' }),
  codes: z.object({ listen: z.string(), whisper: z.string(), barge: z.string() }).meta({ description: 'what a supervisor phone (extension with the monitor class) dials; during monitoring DTMF 4/5/6 switch listen/whisper/barge' }),
});
export const AcdPriorityBody = z.strictObject({ priority: z.number().int().min(0).max(100) });
export const AcdInteractionQuery = z.object({ callId: z.string().max(64).optional(), queueId: z.string().max(32).optional(), limit: z.coerce.number().int().min(1).max(1000).default(100) });
export const AcdIntervalQuery = z.object({ queueId: z.string().max(32).optional(), from: z.iso.datetime().optional(), to: z.iso.datetime().optional() });

export const AcdSkillList = z.object({ items: z.array(SkillWrite) });
export const AcdQueueList = z.object({ items: z.array(QueueWrite) });
const AgentView = AgentWrite.omit({ pin: true });
export const AcdAgentList = z.object({ items: z.array(AgentView) });
export const AcdAgent = AgentView;
export const AcdMembershipList = z.object({ items: z.array(MembershipWrite) });

const Figures = z.object({
  entered: z.number(),
  answered: z.number(),
  answeredInSl: z.number(),
  abandoned: z.number(),
  shortAbandoned: z.number(),
  otherExits: z.number(),
  waitAnsweredMs: z.number(),
  handled: z.number(),
  handleMs: z.number(),
  busyMs: z.number(),
  idleMs: z.number(),
  serviceLevel: z.number().nullable().meta({ description: 'answered within the threshold / answered' }),
  serviceLevelWithAbandons: z.number().nullable().meta({ description: 'answered within the threshold / (answered + abandons after the short-abandon threshold)' }),
  asaMs: z.number().nullable(),
  ahtMs: z.number().nullable().meta({ description: 'talk (hold included) + wrap-up, per handled interaction' }),
  abandonRate: z.number().nullable().meta({ description: 'abandons after the short-abandon threshold / (answered + those abandons)' }),
  occupancy: z.number().nullable(),
});
export const AcdInterval = Figures.extend({ queueId: z.string(), start: z.iso.datetime() });
export const AcdIntervalList = z.object({ items: z.array(AcdInterval) });

const LiveQueue = z.object({
  id: z.string(),
  name: z.string(),
  strategy: z.string(),
  waiting: z.number(),
  longestWaitMs: z.number(),
  callers: z.array(z.object({ id: z.string(), callId: z.string().nullable(), caller: z.string(), priority: z.number(), position: z.number(), waitMs: z.number(), phase: z.string() })),
  agentsByState: z.record(z.string(), z.number()),
  interval: Figures.extend({ start: z.number() }),
});
const LiveWork = z.object({ interactionId: z.string(), callId: z.string().nullable(), channel: z.string(), caller: z.string(), queueId: z.string(), answeredAt: z.number().nullable() });
const LiveAgent = z.object({
  id: z.string(),
  name: z.string(),
  extension: z.string(),
  state: z.string(),
  since: z.number(),
  breakReason: z.string().nullable(),
  next: z.string().nullable(),
  queues: z.array(z.string()),
  calls: z.number(),
  talkMs: z.number(),
  occupancy: z.number().nullable(),
  work: z.array(LiveWork).meta({ description: 'the interactions the agent handles now (calls in progress)' }),
});
export const AcdLive = z.object({ type: z.literal('acd.snapshot'), at: z.string(), queues: z.array(LiveQueue), agents: z.array(LiveAgent) });

const Offer = z.object({ offerId: z.string(), agentId: z.string(), at: z.number(), endedAt: z.number().nullable(), outcome: z.string() });
export const AcdInteraction = z.object({
  id: z.string(),
  callId: z.string().nullable().meta({ description: 'the call record (GET /api/v1/cdrs/{id})' }),
  queueId: z.string(),
  channel: z.string(),
  caller: z.string(),
  priority: z.number(),
  enteredAt: z.number(),
  endedAt: z.number(),
  waitMs: z.number(),
  outcome: z.string(),
  agentId: z.string().nullable(),
  answeredAt: z.number().nullable(),
  talkMs: z.number().nullable(),
  wrapUpMs: z.number().nullable(),
  wrapUpCode: z.string().nullable(),
  endedBy: z.string().nullable(),
  overflowTo: z.string().nullable(),
  offers: z.array(Offer),
  decisions: z.array(z.record(z.string(), z.unknown())).meta({ description: 'each routing decision: strategy, chosen agents, why, members excluded by reason, requirements in force' }),
});
export const AcdInteractionList = z.object({ items: z.array(AcdInteraction) });
