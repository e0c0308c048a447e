// One interaction in one queue, from joining to its record: the waiting caller (or callback, or
// chat), the offers made to agents with their outcomes, and the routing decisions explained.
// Moving to another queue (overflow) closes this record and opens a new interaction there.
import type { TimerHandle } from '../sip/index.js';
import type { RingMode } from './strategies/index.js';
import type { Channel, SkillRequirement } from './types.js';

export type OfferOutcome = 'ringing' | 'answered' | 'no-answer' | 'busy' | 'rejected' | 'unreachable' | 'answered-elsewhere' | 'caller-gone' | 'agent-logout' | 'customer-no-answer';

export type InteractionOutcome =
  | 'answered'
  | 'abandoned'
  /** maximum wait reached (overflow, or the dial plan's next step) */
  | 'timeout'
  /** the caller pressed an exit key */
  | 'exit-key'
  /** nobody left to answer (leave-empty) */
  | 'left-empty'
  /** a supervisor moved the caller to another queue (overflowTo names it) */
  | 'moved'
  /** the caller asked to be called back, kept the place, and was reached (agent first, then the customer) */
  | 'callback-completed'
  /** the caller asked to be called back and was not reached in the attempts allowed */
  | 'callback-failed'
  /** refused at the door: the queue is full, or nobody could answer (join-empty) */
  | 'refused-full'
  | 'refused-empty';

export interface OfferEntry {
  readonly offerId: string;
  readonly agentId: string;
  readonly at: number;
  endedAt: number | null;
  outcome: OfferOutcome;
}

/** why an offer went where it went: the record's explanation of each routing decision */
export interface Decision {
  readonly at: number;
  readonly strategy: string;
  readonly ring: RingMode;
  /** agents offered, in order */
  readonly chosen: readonly string[];
  readonly why: string;
  /** members not offered, by reason ("not free", "skill spanish 30 < 50", "penalty tier 2 > 0", ...) */
  readonly excluded: Readonly<Record<string, number>>;
  /** the requirements in force at the time (after widening) */
  readonly requirements: readonly SkillRequirement[];
  readonly priority: number;
}

export interface InteractionRecord {
  readonly id: string;
  readonly callId: string | null;
  readonly queueId: string;
  readonly channel: Channel;
  readonly caller: string;
  readonly priority: number;
  readonly enteredAt: number;
  readonly endedAt: number;
  readonly waitMs: number;
  readonly outcome: InteractionOutcome;
  readonly agentId: string | null;
  readonly answeredAt: number | null;
  readonly talkMs: number | null;
  readonly wrapUpMs: number | null;
  readonly wrapUpCode: string | null;
  /** who ended an answered interaction */
  readonly endedBy: 'caller' | 'agent' | null;
  readonly overflowTo: string | null;
  readonly offers: readonly OfferEntry[];
  readonly decisions: readonly Decision[];
}

export interface ActiveOffer {
  readonly id: string;
  readonly ring: RingMode;
  /** agents ringing now → their offer entry and ring timer */
  readonly ringing: Map<string, { entry: OfferEntry; timer: TimerHandle }>;
  /** ring-progressively: agents still to add, in order */
  readonly later: string[];
  step: TimerHandle | null;
}

export type InteractionPhase = 'waiting' | 'offered' | 'connected' | 'wrap-up' | 'ended';

export class Interaction {
  readonly id: string;
  readonly seq: number;
  readonly callId: string | null;
  readonly queueId: string;
  readonly channel: Channel;
  readonly caller: string;
  readonly callerRequirements: readonly SkillRequirement[];
  readonly enteredAt: number;
  /** what the caller brings to the agent: an IVR flow's variables, path and attempts (issue 15) */
  readonly attached: Readonly<Record<string, unknown>> | null;
  /** position at join (queue_log's origposition) */
  origPosition = 0;
  priority: number;
  phase: InteractionPhase = 'waiting';
  offer: ActiveOffer | null = null;
  offerSeq = 0;
  /** agents who missed this caller since the last retry */
  readonly tried = new Set<string>();
  readonly offers: OfferEntry[] = [];
  readonly decisions: Decision[] = [];
  readonly timers = new Set<TimerHandle>();
  /** the requirements in force, kept until the next widening step (or a queue change) */
  requirements: { readonly of: object; readonly until: number; readonly list: readonly SkillRequirement[] } | null = null;
  agentId: string | null = null;
  answeredAt: number | null = null;
  hungUpAt: number | null = null;
  endedBy: 'caller' | 'agent' | null = null;
  /** the caller hung up and keeps the place: the number to call back, attempts made, not before when */
  callback: { readonly number: string; readonly requestedAt: number; attempts: number; readonly maxAttempts: number; notBefore: number } | null = null;

  constructor(o: { id: string; seq: number; callId: string | null; queueId: string; channel: Channel; caller: string; priority: number; requirements: readonly SkillRequirement[]; now: number; attached?: Readonly<Record<string, unknown>> }) {
    this.id = o.id;
    this.seq = o.seq;
    this.callId = o.callId;
    this.queueId = o.queueId;
    this.channel = o.channel;
    this.caller = o.caller;
    this.priority = o.priority;
    this.callerRequirements = o.requirements;
    this.enteredAt = o.now;
    this.attached = o.attached ?? null;
  }

  record(o: { now: number; outcome: InteractionOutcome; wrapUpCode?: string | null; wrapUpMs?: number | null; overflowTo?: string | null }): InteractionRecord {
    const waitEnd = this.answeredAt ?? this.hungUpAt ?? o.now;
    return {
      id: this.id,
      callId: this.callId,
      queueId: this.queueId,
      channel: this.channel,
      caller: this.caller,
      priority: this.priority,
      enteredAt: this.enteredAt,
      endedAt: o.now,
      waitMs: waitEnd - this.enteredAt,
      outcome: o.outcome,
      agentId: this.agentId,
      answeredAt: this.answeredAt,
      talkMs: this.answeredAt !== null && this.hungUpAt !== null ? this.hungUpAt - this.answeredAt : null,
      wrapUpMs: o.wrapUpMs ?? null,
      wrapUpCode: o.wrapUpCode ?? null,
      endedBy: this.endedBy,
      overflowTo: o.overflowTo ?? null,
      offers: this.offers.map((e) => ({ ...e })),
      decisions: [...this.decisions],
    };
  }
}
