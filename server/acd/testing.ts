// A rig for the ACD core on the fake clock: a driver that records what the engine asks for, queue
// and agent builders with the defaults filled in, and the queue_log lines and records collected.
import { FakeClock, silentLogger } from '../sip/index.js';
import { Acd, type AcdDriver } from './engine.js';
import type { InteractionOutcome, InteractionRecord, OfferOutcome } from './interaction.js';
import type { Interaction } from './interaction.js';
import { attachQueueLog } from './queue-log.js';
import { AcdMetrics } from './metrics.js';
import { seededRandom } from './random.js';
import { DEFAULT_QUEUE, type AgentConfig, type Overflow, type QueueConfig } from './types.js';
import { PinHasher } from './pin.js';

export interface Ring {
  readonly offerId: string;
  readonly interaction: Interaction;
  readonly agentId: string;
}

export class FakeDriver implements AcdDriver {
  /** agents ringing now: offer id → agent ids */
  readonly ringing = new Map<string, Set<string>>();
  readonly rings: Ring[] = [];
  readonly stops: { offerId: string; agentIds: readonly string[]; reason: OfferOutcome }[] = [];
  readonly exits: { interaction: Interaction; outcome: InteractionOutcome; to: Overflow | null }[] = [];
  canCallBack?: () => boolean;

  ring(o: Parameters<AcdDriver['ring']>[0]): void {
    let set = this.ringing.get(o.offerId);
    if (!set) this.ringing.set(o.offerId, (set = new Set()));
    for (const a of o.agents) {
      set.add(a.id);
      this.rings.push({ offerId: o.offerId, interaction: o.interaction, agentId: a.id });
    }
  }

  stopRinging(o: Parameters<AcdDriver['stopRinging']>[0]): void {
    this.stops.push({ offerId: o.offerId, agentIds: o.agentIds, reason: o.reason });
    const set = this.ringing.get(o.offerId);
    for (const id of o.agentIds) set?.delete(id);
    if (set?.size === 0) this.ringing.delete(o.offerId);
  }

  exit(o: Parameters<AcdDriver['exit']>[0]): void {
    this.exits.push({ interaction: o.interaction, outcome: o.outcome, to: o.to });
  }

  /** `agentId` answers the offer ringing it: true when the engine connected it */
  answer(acd: Acd, agentId: string): boolean {
    const offerId = this.offerFor(agentId);
    if (offerId === undefined) return false;
    // the first answer ends the whole offer (the other forks are cancelled)
    this.ringing.delete(offerId);
    return acd.answered({ offerId, agentId });
  }

  /** the offer ringing `agentId` now, if any */
  offerFor(agentId: string): string | undefined {
    for (const [offerId, set] of this.ringing) if (set.has(agentId)) return offerId;
    return undefined;
  }
}

export const queue = (id: string, o: Partial<QueueConfig> = {}): QueueConfig => ({ ...DEFAULT_QUEUE, id, name: id, ...o });
export const agent = (id: string, o: Partial<AgentConfig> = {}): AgentConfig => ({ id, name: id, extension: id.replace(/\D/g, '') || '1000', pinHash: 'hmac-sha256:test', skills: {}, capacity: {}, maxMissed: 0, team: null, ...o });

export function acdRig(o: { seed?: number } = {}) {
  const clock = new FakeClock();
  const driver = new FakeDriver();
  let n = 0;
  const acd = new Acd({ clock, random: seededRandom(o.seed ?? 1), logger: silentLogger, driver, newId: () => `i${++n}` });
  const log: string[] = [];
  attachQueueLog({ events: acd.events, sink: (l) => log.push(l), now: () => clock.now(), queuesOf: (id) => [...(acd.agentQueues.get(id) ?? [])] });
  const metrics = new AcdMetrics({ events: acd.events, now: () => clock.now(), queue: (id) => acd.queues.get(id)?.config, queuesOf: (id) => [...(acd.agentQueues.get(id) ?? [])] });
  const records: InteractionRecord[] = [];
  acd.events.on('record', ({ record }) => records.push(record));
  /** a queue with these agents (logged in, in this order) */
  const setup = (q: QueueConfig, agents: readonly AgentConfig[], penalty: (i: number) => number = () => 0) => {
    acd.putQueue(q);
    agents.forEach((a, i) => {
      if (!acd.agents.has(a.id)) acd.putAgent(a);
      acd.putMembership({ agentId: a.id, queueId: q.id, penalty: penalty(i), weight: 1, order: i + 1 });
    });
  };
  return { clock, driver, acd, log, metrics, records, setup };
}

/** a PIN hasher under a fixed key, for tests */
export const testPins = (): PinHasher => new PinHasher({ key: Buffer.alloc(32, 7) });
