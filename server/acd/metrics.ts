// Live queue metrics, updated on every engine event (it observes, never steers), kept per
// 15-minute interval for the interval table. Each event counts in the interval it happened in.
// Definitions (docs/acd.md):
//   service level        = answered within the threshold / answered
//   ... counting abandons = answered within the threshold / (answered + abandons after the short-abandon threshold)
//   ASA                  = total wait of answered interactions / answered
//   AHT                  = total (talk + wrap-up) / handled (records closed as answered)
//   abandon rate         = abandons after the short-abandon threshold / (answered + those abandons)
//   occupancy            = time reserved, on a call or in wrap-up / time logged in and not on break
import { AgentState } from './agent.js';
import type { AcdEvents } from './events.js';
import type { QueueConfig } from './types.js';

export const INTERVAL_MS = 15 * 60_000;

export interface IntervalCounts {
  entered: number;
  answered: number;
  answeredInSl: number;
  abandoned: number;
  shortAbandoned: number;
  /** left by time-out, exit key, leave-empty, or refused */
  otherExits: number;
  waitAnsweredMs: number;
  handled: number;
  handleMs: number;
  /** agent time, for occupancy */
  busyMs: number;
  idleMs: number;
}

export interface QueueFigures extends IntervalCounts {
  readonly serviceLevel: number | null;
  readonly serviceLevelWithAbandons: number | null;
  readonly asaMs: number | null;
  readonly ahtMs: number | null;
  readonly abandonRate: number | null;
  readonly occupancy: number | null;
}

export interface IntervalRow extends QueueFigures {
  readonly queueId: string;
  readonly start: number;
}

const zero = (): IntervalCounts => ({ entered: 0, answered: 0, answeredInSl: 0, abandoned: 0, shortAbandoned: 0, otherExits: 0, waitAnsweredMs: 0, handled: 0, handleMs: 0, busyMs: 0, idleMs: 0 });
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function figures(c: IntervalCounts): QueueFigures {
  const longAbandons = c.abandoned - c.shortAbandoned;
  return {
    ...c,
    serviceLevel: ratio(c.answeredInSl, c.answered),
    serviceLevelWithAbandons: ratio(c.answeredInSl, c.answered + longAbandons),
    asaMs: ratio(c.waitAnsweredMs, c.answered),
    ahtMs: ratio(c.handleMs, c.handled),
    abandonRate: ratio(longAbandons, c.answered + longAbandons),
    occupancy: ratio(c.busyMs, c.busyMs + c.idleMs),
  };
}

const BUSY: ReadonlySet<AgentState> = new Set([AgentState.Reserved, AgentState.OnCall, AgentState.WrapUp]);

export class AcdMetrics {
  /** `${queueId} ${intervalStart}` → counts */
  readonly #intervals = new Map<string, IntervalCounts>();
  readonly #now: () => number;
  readonly #queue: (id: string) => QueueConfig | undefined;
  readonly #changed: (queueIds: readonly string[]) => void;
  readonly #offs: (() => void)[];

  constructor(o: { events: AcdEvents; now: () => number; queue: (id: string) => QueueConfig | undefined; queuesOf: (agentId: string) => readonly string[]; changed?: (queueIds: readonly string[]) => void }) {
    this.#now = o.now;
    this.#queue = o.queue;
    this.#changed = o.changed ?? (() => {});
    const e = o.events;
    this.#offs = [
      e.on('entered', ({ interaction: i }) => this.#count(i.queueId, (c) => c.entered++)),
      e.on('connected', ({ interaction: i, waitMs }) =>
        this.#count(i.queueId, (c) => {
          c.answered++;
          c.waitAnsweredMs += waitMs;
          if (waitMs <= (this.#queue(i.queueId)?.serviceLevelS ?? 20) * 1000) c.answeredInSl++;
        }),
      ),
      e.on('left', ({ interaction: i, outcome, waitMs }) =>
        this.#count(i.queueId, (c) => {
          if (outcome === 'abandoned') {
            c.abandoned++;
            if (waitMs < (this.#queue(i.queueId)?.shortAbandonS ?? 0) * 1000) c.shortAbandoned++;
          } else c.otherExits++;
        }),
      ),
      e.on('record', ({ record: r }) => {
        if (r.outcome !== 'answered') return;
        this.#count(r.queueId, (c) => {
          c.handled++;
          c.handleMs += (r.talkMs ?? 0) + (r.wrapUpMs ?? 0);
        });
      }),
      // agent time goes to each of the agent's queues, split at interval boundaries
      e.on('agent', ({ agent, from }) => {
        if (from === AgentState.LoggedOut || from === AgentState.Break) return;
        const busy = BUSY.has(from);
        const queues = o.queuesOf(agent.config.id);
        // the span just ended: moveTo() kept its length
        const end = this.#now();
        let start = end - agent.lastSpanMs;
        while (start < end) {
          const bucketEnd = Math.floor(start / INTERVAL_MS) * INTERVAL_MS + INTERVAL_MS;
          const upto = Math.min(end, bucketEnd);
          for (const q of queues) this.#counts(q, start)[busy ? 'busyMs' : 'idleMs'] += upto - start;
          start = upto;
        }
        this.#changed(queues);
      }),
    ];
  }

  close(): void {
    for (const off of this.#offs) off();
  }

  #counts(queueId: string, at: number): IntervalCounts {
    const key = `${queueId} ${Math.floor(at / INTERVAL_MS) * INTERVAL_MS}`;
    let c = this.#intervals.get(key);
    if (!c) this.#intervals.set(key, (c = zero()));
    return c;
  }

  #count(queueId: string, f: (c: IntervalCounts) => void): void {
    f(this.#counts(queueId, this.#now()));
    this.#changed([queueId]);
  }

  /** every interval kept, oldest first */
  rows(o: { queueId?: string; from?: number; to?: number } = {}): IntervalRow[] {
    const rows: IntervalRow[] = [];
    for (const [key, c] of this.#intervals) {
      const [queueId, start] = [key.slice(0, key.lastIndexOf(' ')), Number(key.slice(key.lastIndexOf(' ') + 1))];
      if (o.queueId !== undefined && o.queueId !== queueId) continue;
      if ((o.from !== undefined && start < o.from) || (o.to !== undefined && start >= o.to)) continue;
      rows.push({ queueId, start, ...figures(c) });
    }
    return rows.sort((a, b) => a.start - b.start || (a.queueId < b.queueId ? -1 : 1));
  }

  /** one queue's figures summed over [from, to) */
  total(o: { queueId: string; from?: number; to?: number }): QueueFigures {
    const sum = zero();
    for (const r of this.rows(o)) for (const k of Object.keys(sum) as (keyof IntervalCounts)[]) sum[k] += r[k];
    return figures(sum);
  }

  /** intervals that ended before `before`, taken out for the interval table */
  takeClosed(before: number): IntervalRow[] {
    const closed = this.rows({ to: Math.floor(before / INTERVAL_MS) * INTERVAL_MS });
    for (const r of closed) this.#intervals.delete(`${r.queueId} ${r.start}`);
    return closed;
  }
}
