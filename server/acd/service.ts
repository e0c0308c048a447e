// The ACD as the app runs it: the engine loaded from the store, configuration changes checked
// against the other tables and written through, interaction records and interval figures
// persisted as they close, queue_log appended to <data>/queue_log, and the live stream.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Clock, Logger } from '../sip/index.js';
import type { AcdAgentRow, AcdInteractionRow, AcdIntervalRow, AcdQueueRow, AcdRepository } from '../store/index.js';
import type { AgentAction, AgentWrite, MembershipWrite, QueueWrite } from './config-schema.js';
import type { DeskResult } from './desk.js';
import { Acd, type AcdDriver } from './engine.js';
import type { InteractionRecord } from './interaction.js';
import { configDeltas, snapshot, streamDeltas, type AcdStreamEvent } from './live.js';
import { liveCallInScope, scopedEvent, type FloorScope } from './scope.js';
import { AcdMetrics, figures, INTERVAL_MS, type IntervalRow } from './metrics.js';
import { attachQueueLog } from './queue-log.js';
import { PinHasher, sameHash } from './pin.js';
import { AgentHeartbeats } from './heartbeat.js';
import type { AgentConfig, QueueConfig } from './types.js';

/** a refusal names the field of the request it is about, when it is one (the console shows it there) */
export type Checked = { readonly ok: true } | { readonly ok: false; readonly reason: string; readonly field?: string };
const refuse = (reason: string, field?: string): Checked => ({ ok: false, reason, ...(field !== undefined ? { field } : {}) });
const OK: Checked = { ok: true };

const queueConfig = (r: AcdQueueRow): QueueConfig => ({ ...(r.config as unknown as QueueConfig), id: r.id, name: r.name });
const agentConfig = (r: AcdAgentRow): AgentConfig => ({ id: r.id, name: r.name, extension: r.extension, pinHash: r.pinHash, skills: r.skills, capacity: r.capacity, maxMissed: r.maxMissed, team: r.team });
const interactionRow = (r: InteractionRecord): AcdInteractionRow => ({ ...r, offers: r.offers.map((o) => ({ ...o })), decisions: r.decisions.map((d) => ({ ...d })) });

export interface AcdServiceOptions {
  readonly repository: AcdRepository;
  readonly clock: Clock;
  readonly random: () => number;
  readonly logger: Logger;
  readonly queueLogPath: string | null;
  readonly driver: AcdDriver;
  /** hashes agent PINs under the server's key */
  readonly pins: PinHasher;
  /** a browser agent without a heartbeat this long is logged out; 0 disables (default 60 s) */
  readonly heartbeatTimeoutMs?: number;
}

export class AcdService {
  readonly acd: Acd;
  readonly metrics: AcdMetrics;
  readonly #repo: AcdRepository;
  readonly #logger: Logger;
  readonly #skills = new Set<string>();
  readonly #writes = new Set<Promise<void>>();
  readonly #listeners = new Set<(e: AcdStreamEvent) => void>();
  readonly #config: ReturnType<typeof configDeltas>;
  readonly #queueLog: WriteStream | null;
  readonly #flush: ReturnType<typeof setInterval>;
  readonly pins: PinHasher;
  readonly heartbeats: AgentHeartbeats;

  private constructor(o: AcdServiceOptions) {
    this.#repo = o.repository;
    this.pins = o.pins;
    this.#logger = o.logger;
    this.acd = new Acd({ clock: o.clock, random: o.random, logger: o.logger, driver: o.driver });
    this.heartbeats = new AgentHeartbeats({ acd: this.acd, clock: o.clock, logger: o.logger, timeoutMs: o.heartbeatTimeoutMs ?? 60_000 });
    const queuesOf = (id: string) => [...(this.acd.agentQueues.get(id) ?? [])];
    this.metrics = new AcdMetrics({ events: this.acd.events, now: () => o.clock.now(), queue: (id) => this.acd.queues.get(id)?.config, queuesOf });
    this.#queueLog = o.queueLogPath === null ? null : createWriteStream(o.queueLogPath, { flags: 'a' });
    this.#queueLog?.on('error', (err) => o.logger.error({ err: String(err) }, 'queue_log not written'));
    if (this.#queueLog) attachQueueLog({ events: this.acd.events, sink: (l) => this.#queueLog!.write(`${l}\n`), now: () => o.clock.now(), queuesOf });
    this.acd.events.on('record', ({ record }) => this.#write(this.#repo.addInteraction(interactionRow(record))));
    const publish = (e: AcdStreamEvent) => this.#listeners.forEach((l) => l(e));
    streamDeltas({ acd: this.acd, metrics: this.metrics, publish });
    this.#config = configDeltas({ acd: this.acd, metrics: this.metrics, publish });
    // closed 15-minute intervals go to the table within a minute of closing
    this.#flush = setInterval(() => this.persistIntervals(o.clock.now()), 60_000);
    this.#flush.unref();
  }

  static async open(o: AcdServiceOptions): Promise<AcdService> {
    const s = new AcdService(o);
    for (const k of await o.repository.skills()) s.#skills.add(k.name);
    for (const q of await o.repository.queues()) s.acd.putQueue(queueConfig(q));
    for (const row of await o.repository.agents()) {
      // rows written before PINs were hashed hold the PIN itself: hash it in place now
      const a = PinHasher.isHash(row.pinHash) ? row : { ...row, pinHash: o.pins.hash(row.pinHash) };
      if (a !== row) await o.repository.putAgent(a);
      s.acd.putAgent(agentConfig(a));
    }
    for (const m of await o.repository.memberships()) s.acd.putMembership({ ...m, order: m.position });
    return s;
  }

  #write(p: Promise<void>): void {
    const w = p.catch((err: unknown) => this.#logger.error({ err: String(err) }, 'ACD row not written'));
    this.#writes.add(w);
    void w.finally(() => this.#writes.delete(w));
  }

  /** intervals that closed before `before` go to the interval table */
  persistIntervals(before: number): void {
    const rows = this.metrics.takeClosed(before);
    if (rows.length > 0) this.#write(this.#repo.addIntervals(rows.map(intervalRow)));
  }

  // ── configuration ──

  get skills(): ReadonlySet<string> {
    return this.#skills;
  }

  async putSkill(s: { name: string; description: string | null }): Promise<void> {
    await this.#repo.putSkill(s);
    this.#skills.add(s.name);
  }

  async deleteSkill(name: string): Promise<Checked> {
    for (const q of this.acd.queues.values()) if (q.config.requirements.some((r) => r.skill === name)) return refuse(`queue ${q.config.id} requires skill ${name}`);
    if (!(await this.#repo.deleteSkill(name))) return refuse('not found');
    this.#skills.delete(name);
    return OK;
  }

  #unknownSkill(names: Iterable<string>): string | null {
    for (const n of names) if (!this.#skills.has(n)) return `unknown skill ${n}`;
    return null;
  }

  queueProblem(q: QueueWrite): { reason: string; field: string } | null {
    const unknown = this.#unknownSkill(q.requirements.map((r) => r.skill));
    if (unknown) return { reason: unknown, field: 'requirements' };
    const dropped = this.#unknownSkill(q.widening.flatMap((w) => w.drop ?? []));
    if (dropped) return { reason: dropped, field: 'widening' };
    const elsewhere = (to: { kind: string; queue?: string } | null) => to?.kind === 'queue' && to.queue !== q.id && !this.acd.queues.has(to.queue!);
    if (elsewhere(q.overflow)) return { reason: `unknown queue ${(q.overflow as { queue: string }).queue}`, field: 'overflow' };
    for (const to of Object.values(q.exitKeys)) if (elsewhere(to)) return { reason: `unknown queue ${(to as { queue: string }).queue}`, field: 'exitKeys' };
    if (q.wrapUp.mode === 'mandatory-timeout' && q.wrapUp.seconds === 0) return { reason: 'a mandatory wrap-up with a time-out needs its seconds', field: 'wrapUp.seconds' };
    return null;
  }

  async putQueue(q: QueueWrite): Promise<Checked> {
    const problem = this.queueProblem(q);
    if (problem) return refuse(problem.reason, problem.field);
    const { id, name, ...config } = q;
    await this.#repo.putQueue({ id, name, config: config as unknown as Record<string, unknown> });
    this.acd.putQueue({ ...config, id, name });
    this.#config.changed({ queues: [id] });
    return OK;
  }

  async deleteQueue(id: string): Promise<Checked> {
    if (!this.acd.queues.has(id)) return refuse('not found');
    if (!this.acd.removeQueue(id)) return refuse('callers are waiting in it');
    await this.#repo.deleteQueue(id);
    this.#config.removed('queue', id);
    return OK;
  }

  /** a new agent needs a PIN; a replaced one keeps its PIN unless the body gives one */
  async putAgent(w: AgentWrite): Promise<Checked> {
    const unknown = this.#unknownSkill(Object.keys(w.skills));
    if (unknown) return refuse(unknown, 'skills');
    const { pin, ...rest } = w;
    const pinHash = pin !== undefined ? this.pins.hash(pin) : this.acd.agents.get(w.id)?.config.pinHash;
    if (pinHash === undefined) return refuse('a new agent needs a PIN', 'pin');
    for (const other of this.acd.agents.values()) if (other.config.id !== w.id && other.config.extension === w.extension && sameHash(other.config.pinHash, pinHash)) return refuse(`agent ${other.config.id} has that extension and PIN`, 'pin');
    const a: AgentConfig = { ...rest, pinHash };
    await this.#repo.putAgent({ ...a, capacity: a.capacity });
    this.acd.putAgent(a);
    this.#config.changed({ agents: [a.id], queues: this.acd.agentQueues.get(a.id) ?? [] });
    return OK;
  }

  async deleteAgent(id: string): Promise<Checked> {
    if (!this.acd.agents.has(id)) return refuse('not found');
    const queues = [...(this.acd.agentQueues.get(id) ?? [])];
    this.acd.removeAgent(id);
    await this.#repo.deleteAgent(id);
    this.#config.removed('agent', id);
    this.#config.changed({ queues });
    return OK;
  }

  async addMembership(m: MembershipWrite): Promise<Checked> {
    if (!this.acd.agents.has(m.agentId)) return refuse(`unknown agent ${m.agentId}`, 'agentId');
    const q = this.acd.queues.get(m.queueId);
    if (!q) return refuse(`unknown queue ${m.queueId}`, 'queueId');
    if (q.members.has(m.agentId)) return refuse(`agent ${m.agentId} is already in queue ${m.queueId}`, 'queueId');
    await this.#repo.addMembership(m);
    this.acd.putMembership({ ...m, order: m.position });
    this.#config.changed({ agents: [m.agentId], queues: [m.queueId] });
    return OK;
  }

  async deleteMembership(o: { agentId: string; queueId: string }): Promise<Checked> {
    if (!(await this.#repo.deleteMembership(o))) return refuse('not found');
    this.acd.removeMembership(o);
    this.#config.changed({ agents: [o.agentId], queues: [o.queueId] });
    return OK;
  }

  memberships(): { agentId: string; queueId: string; penalty: number; weight: number; position: number }[] {
    return [...this.acd.queues.values()].flatMap((q) => [...q.members.values()].map((m) => ({ agentId: m.agentId, queueId: m.queueId, penalty: m.penalty, weight: m.weight, position: m.order })));
  }

  // ── the floor ──

  agentAction(agentId: string, a: AgentAction): DeskResult {
    const desk = this.acd.desk;
    switch (a.action) {
      case 'login': {
        const r = desk.login({ agentId, ...(a.breakReason !== undefined ? { breakReason: a.breakReason } : {}) });
        if (r.ok && a.browser) this.heartbeats.watch(agentId);
        return r;
      }
      case 'logout':
        return desk.logout({ agentId });
      case 'break':
        return desk.setBreak({ agentId, reason: a.reason });
      case 'available':
        return desk.setAvailable({ agentId });
      case 'wrap-up-done':
        return desk.endWrapUp({ agentId, code: a.code });
    }
  }

  snapshot(): AcdStreamEvent {
    return snapshot(this.acd, this.metrics);
  }

  /** `event` as a supervisor with this scope may see it (scope.ts); undefined: not for them */
  scoped(event: AcdStreamEvent, scope: FloorScope | undefined): AcdStreamEvent | undefined {
    return scopedEvent(this.acd, scope, event);
  }

  callInScope(scope: FloorScope, call: { readonly id: string; readonly caller: string; readonly callee: string }): boolean {
    return liveCallInScope(this.acd, scope, call);
  }

  /** the stream's deltas; a client gets snapshot() first */
  subscribe(listener: (e: AcdStreamEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  interactions(f: { callId?: string; queueId?: string; limit: number }): Promise<AcdInteractionRow[]> {
    return this.#repo.interactions(f);
  }

  /** stored intervals, then the ones still in memory */
  async intervals(f: { queueId?: string; from?: number; to?: number }): Promise<IntervalRow[]> {
    const stored = (await this.#repo.intervals(f)).map((r) => ({ ...r, ...figures(r) }));
    return [...stored, ...this.metrics.rows(f)];
  }

  /** written rows settle (tests, shutdown) */
  async settled(): Promise<void> {
    await Promise.all([...this.#writes]);
  }

  async close(): Promise<void> {
    clearInterval(this.#flush);
    this.heartbeats.close();
    this.persistIntervals(Number.MAX_SAFE_INTEGER - INTERVAL_MS);
    await Promise.all([...this.#writes]);
    await new Promise<void>((resolve) => (this.#queueLog ? this.#queueLog.end(resolve) : resolve()));
  }
}

const intervalRow = (r: IntervalRow): AcdIntervalRow => ({
  queueId: r.queueId,
  start: r.start,
  entered: r.entered,
  answered: r.answered,
  answeredInSl: r.answeredInSl,
  abandoned: r.abandoned,
  shortAbandoned: r.shortAbandoned,
  otherExits: r.otherExits,
  waitAnsweredMs: r.waitAnsweredMs,
  handled: r.handled,
  handleMs: r.handleMs,
  busyMs: r.busyMs,
  idleMs: r.idleMs,
});
