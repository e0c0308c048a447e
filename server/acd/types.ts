// The ACD's vocabulary: queues, agents, memberships and interactions (a waiting call now; a callback
// request or a chat later, each an interaction of its own channel). Plain data: the API validates
// it with zod (server/api/schemas-acd.ts), the store keeps it, the engine (engine.ts) routes with it.
import type { StrategyName } from './strategies/index.js';

/** an interaction's channel; an agent has a capacity per channel (one call, three chats, ...) */
export type Channel = 'call' | 'callback' | 'chat';

export type WrapUpMode = 'none' | 'optional' | 'mandatory' | 'mandatory-timeout';

/** when a caller may join, or must leave, a queue with nobody to answer (Asterisk's joinempty/leavewhenempty) */
export type EmptyPolicy = 'never' | 'no-members' | 'no-available';

export interface SkillRequirement {
  readonly skill: string;
  /** the lowest proficiency (1–100) an agent needs */
  readonly minLevel: number;
}

/**
 * Requirements widen with waiting time: from `afterS` seconds on, no requirement asks more than
 * `maxMinLevel`, and the skills in `drop` are no longer required ("any level after 60 s, drop the
 * language after 120 s").
 */
export interface WideningStep {
  readonly afterS: number;
  readonly maxMinLevel?: number;
  readonly drop?: readonly string[];
}

/** where a caller goes on leaving a queue unanswered (time-out, full, empty, exit key) */
export type Overflow = { readonly kind: 'queue'; readonly queue: string } | { readonly kind: 'number'; readonly number: string };
/** where an exit key takes the caller: an overflow, or a callback that keeps the place */
export type ExitKey = Overflow | { readonly kind: 'callback' };

export interface QueueConfig {
  readonly id: string;
  readonly name: string;
  readonly strategy: StrategyName;
  readonly requirements: readonly SkillRequirement[];
  readonly widening: readonly WideningStep[];
  /** seconds an offer rings an agent before it counts as missed */
  readonly ringTimeoutS: number;
  /** ring-progressively: seconds before the next agent is added to the ringing set */
  readonly progressiveStepS: number;
  /** seconds before agents who all missed this caller are tried again */
  readonly retryS: number;
  /** 0: no limit */
  readonly maxWaitS: number;
  /** 0: no limit */
  readonly maxLength: number;
  readonly overflow: Overflow | null;
  readonly joinEmpty: EmptyPolicy;
  readonly leaveEmpty: EmptyPolicy;
  readonly wrapUp: { readonly mode: WrapUpMode; readonly seconds: number; readonly codes: readonly string[] };
  /** service level threshold in seconds (answered within it) */
  readonly serviceLevelS: number;
  /** abandons sooner than this are not counted against the queue */
  readonly shortAbandonS: number;
  /** caller numbers that wait with `vipPriority` */
  readonly vip: readonly string[];
  readonly vipPriority: number;
  /** DTMF key → where the caller goes (an exit key) */
  readonly exitKeys: Readonly<Record<string, ExitKey>>;
  /** prompts from <data>/prompts: music while waiting, the position announcement */
  readonly holdPrompt: string | null;
  readonly positionPrompt: string | null;
  /** seconds between position announcements; 0: at join only */
  readonly announceEveryS: number;
  /** position and estimated wait spoken with on-device TTS (instead of positionPrompt's recordings) */
  readonly announceSpeech: boolean;
}

export interface AgentConfig {
  readonly id: string;
  readonly name: string;
  /** the extension whose phones an offered call rings */
  readonly extension: string;
  /** the keyed hash of the PIN for *50 / *51 from a desk phone (pin.ts); never the PIN */
  readonly pinHash: string;
  /** skill → proficiency 1–100 */
  readonly skills: Readonly<Record<string, number>>;
  /** interactions at once per channel; a missing channel is 0 except call (1) */
  readonly capacity: Readonly<Partial<Record<Channel, number>>>;
  /** consecutive missed offers before the agent is put on break; 0: never */
  readonly maxMissed: number;
  /** the team whose supervisors oversee this agent (besides those of its queues) */
  readonly team: string | null;
}

export interface Membership {
  readonly agentId: string;
  readonly queueId: string;
  /** lower tiers are offered first; a higher tier only when no lower one is free */
  readonly penalty: number;
  /** weighted-random weight */
  readonly weight: number;
  /** position for linear, round-robin and ring-progressively */
  readonly order: number;
}

export const DEFAULT_QUEUE: Omit<QueueConfig, 'id' | 'name'> = {
  strategy: 'longest-idle',
  requirements: [],
  widening: [],
  ringTimeoutS: 15,
  progressiveStepS: 5,
  retryS: 5,
  maxWaitS: 0,
  maxLength: 0,
  overflow: null,
  joinEmpty: 'never',
  leaveEmpty: 'never',
  wrapUp: { mode: 'none', seconds: 0, codes: [] },
  serviceLevelS: 20,
  shortAbandonS: 5,
  vip: [],
  vipPriority: 10,
  exitKeys: {},
  holdPrompt: null,
  positionPrompt: null,
  announceEveryS: 0,
  announceSpeech: false,
};
