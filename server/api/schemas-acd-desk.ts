// Request and response shapes of the agent workspace's routes (routes/acd-desk.ts, issue 16).
import { z } from 'zod';

const Id = z.string().min(1).max(32);

export const AcdQueueChoice = z.strictObject({
  queues: z.array(Id).max(100).meta({ description: 'the queues the agent takes calls from; memberships are added (penalty 0) and removed to match' }),
});
export const AcdQueueChoiceResult = z.object({ agentId: z.string(), queues: z.array(z.string()) });

export const AcdWrapUpBody = z.strictObject({
  code: z.string().min(1).max(32).nullable().optional().meta({ description: "one of the queue's wrap-up codes; required unless the wrap-up is optional or the queue has none" }),
  notes: z.string().max(2000).nullable().optional().meta({ description: 'free text for the call record (cleared by the retention purge)' }),
});
export const AcdWrapUpResult = z.object({
  agentId: z.string(),
  interactionId: z.string(),
  callId: z.string().nullable(),
  code: z.string().nullable(),
  onCallRecord: z.boolean().meta({ description: 'code and notes were written to the call record' }),
});

const RecentCall = z.object({ id: z.string(), startedAt: z.iso.datetime(), callee: z.string(), disposition: z.string().nullable(), durationS: z.number().nullable(), wrapUpCode: z.string().nullable() });

/** what the agent's screen pops for a call offered or in progress */
export const AcdScreenPop = z.object({
  interactionId: z.string(),
  callId: z.string().nullable().meta({ description: 'the call record (GET /api/v1/cdrs/{id})' }),
  queueId: z.string(),
  queueName: z.string(),
  caller: z.string(),
  priority: z.number(),
  enteredAt: z.iso.datetime(),
  waitMs: z.number(),
  ivr: z.record(z.string(), z.unknown()).nullable().meta({ description: "what the IVR flow attached: variables, path, attempts (docs/ivr.md)" }),
  recentCalls: z.array(RecentCall).meta({ description: "the caller's last calls, newest first" }),
});

export const AcdMe = z.object({
  agent: z.object({
    id: z.string(),
    name: z.string(),
    extension: z.string(),
    state: z.enum(['logged-out', 'available', 'reserved', 'on-call', 'wrap-up', 'break']),
    since: z.iso.datetime(),
    breakReason: z.string().nullable(),
    next: z.string().nullable().meta({ description: 'the state asked for while busy (break, logged-out)' }),
    browser: z.boolean().meta({ description: 'logged in from a browser and watched by heartbeats' }),
  }),
  extensions: z.array(z.string()),
  queues: z.array(z.object({ id: z.string(), name: z.string(), member: z.boolean(), wrapUp: z.object({ mode: z.string(), seconds: z.number(), codes: z.array(z.string()) }) })),
  offer: AcdScreenPop.nullable().meta({ description: 'a call ringing the agent now' }),
  current: AcdScreenPop.nullable().meta({ description: 'the call the agent is talking on' }),
  wrapUp: z
    .object({ interactionId: z.string(), callId: z.string().nullable(), caller: z.string().nullable(), mode: z.string(), codes: z.array(z.string()), until: z.iso.datetime().nullable() })
    .nullable(),
  softphone: z
    .object({
      sipDomain: z.string(),
      webSockets: z.array(z.object({ transport: z.enum(['ws', 'wss']), port: z.number() })),
    })
    .nullable()
    .meta({ description: "where the console's softphone registers (SIP over WebSocket, RFC 7118, at the console's own host name); null: no softphone" }),
  heartbeatS: z.number().meta({ description: 'how often the console posts its heartbeat' }),
});

export const AcdSoftphoneCredential = z.object({
  username: z.string().meta({ description: "the agent's extension" }),
  password: z.string().meta({ description: 'a random SIP password for this extension, valid until expiresAt and until the server restarts; shown only in this answer' }),
  sipDomain: z.string(),
  expiresAt: z.iso.datetime(),
});

export const AcdHoldBody = z.strictObject({ on: z.boolean().meta({ description: 'true: hold (the caller hears music on hold); false: resume' }) });
export const AcdHoldResult = z.object({ agentId: z.string(), callId: z.string(), held: z.boolean() });
/** the agent's blind transfer started (its end is on the events stream, as for /calls/{id}/transfer) */
export const AcdTransferResult = z.object({ agentId: z.string(), callId: z.string(), target: z.string() });
