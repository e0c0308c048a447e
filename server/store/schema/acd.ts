// The ACD's configuration (skills, queues, agents, memberships) and what it records: one row per
// queue interaction (linked to the call record by call id, without touching call_records) and the
// per-queue 15-minute interval figures. Configuration parts that grow with the ACD (a queue's
// options, an agent's skills and capacities) are JSON, validated by the API's schemas.
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const acdSkills = sqliteTable('acd_skills', {
  name: text('name').primaryKey(),
  description: text('description'),
});

export const acdQueues = sqliteTable('acd_queues', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** the queue's options (strategy, requirements, timeouts, wrap-up, prompts ...) as JSON */
  config: text('config', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export const acdAgents = sqliteTable('acd_agents', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  extension: text('extension').notNull(),
  /** for *50/*51 from a desk phone: 'hmac-sha256:<hex>' under the server's PIN key (server/acd/pin.ts),
   *  never the PIN; rows from before hashing are hashed when the ACD starts */
  pinHash: text('pin').notNull(),
  /** skill → proficiency 1–100 */
  skills: text('skills', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  /** channel → interactions at once */
  capacity: text('capacity', { mode: 'json' }).$type<Record<string, number>>().notNull(),
  maxMissed: integer('max_missed').notNull(),
  /** the team a supervisor may be given (users' teams): scopes what that supervisor sees and does */
  team: text('team'),
  updatedAt: integer('updated_at').notNull(),
});

export const acdMemberships = sqliteTable(
  'acd_memberships',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => acdAgents.id, { onDelete: 'cascade' }),
    queueId: text('queue_id')
      .notNull()
      .references(() => acdQueues.id, { onDelete: 'cascade' }),
    penalty: integer('penalty').notNull(),
    weight: integer('weight').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.queueId] })],
);

export const acdInteractions = sqliteTable(
  'acd_interactions',
  {
    id: text('id').primaryKey(),
    /** the call record's id (call_records.id); null for a chat */
    callId: text('call_id'),
    queueId: text('queue_id').notNull(),
    channel: text('channel').notNull(),
    caller: text('caller').notNull(),
    priority: integer('priority').notNull(),
    enteredAt: integer('entered_at').notNull(),
    endedAt: integer('ended_at').notNull(),
    waitMs: integer('wait_ms').notNull(),
    /** answered, abandoned, timeout, exit-key, left-empty, refused-full, refused-empty */
    outcome: text('outcome').notNull(),
    agentId: text('agent_id'),
    answeredAt: integer('answered_at'),
    talkMs: integer('talk_ms'),
    wrapUpMs: integer('wrap_up_ms'),
    wrapUpCode: text('wrap_up_code'),
    endedBy: text('ended_by'),
    overflowTo: text('overflow_to'),
    /** every offer: agent, when, outcome */
    offers: text('offers', { mode: 'json' }).$type<readonly Record<string, unknown>[]>().notNull(),
    /** every routing decision and why */
    decisions: text('decisions', { mode: 'json' }).$type<readonly Record<string, unknown>[]>().notNull(),
  },
  (t) => [index('acd_interactions_call_idx').on(t.callId), index('acd_interactions_queue_idx').on(t.queueId, t.enteredAt)],
);

export const acdIntervals = sqliteTable(
  'acd_intervals',
  {
    queueId: text('queue_id').notNull(),
    /** the interval's start (ms since the epoch, a multiple of 15 minutes) */
    start: integer('start').notNull(),
    entered: integer('entered').notNull(),
    answered: integer('answered').notNull(),
    answeredInSl: integer('answered_in_sl').notNull(),
    abandoned: integer('abandoned').notNull(),
    shortAbandoned: integer('short_abandoned').notNull(),
    otherExits: integer('other_exits').notNull(),
    waitAnsweredMs: integer('wait_answered_ms').notNull(),
    handled: integer('handled').notNull(),
    handleMs: integer('handle_ms').notNull(),
    busyMs: integer('busy_ms').notNull(),
    idleMs: integer('idle_ms').notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.start] })],
);

export type AcdQueueRow = typeof acdQueues.$inferSelect;
export type AcdAgentRow = typeof acdAgents.$inferSelect;
export type AcdMembershipRow = typeof acdMemberships.$inferSelect;
export type AcdInteractionRow = typeof acdInteractions.$inferSelect;
export type AcdIntervalRow = typeof acdIntervals.$inferSelect;
