// Retention of recordings (issue 14): policies by direction, disposition, tag and ACD queue say how many days
// a call's recording is kept after the call ended (where several match, the longest wins; where
// none does, the deployment's default, 0 = kept until a policy says otherwise). The purge, run on
// the injected clock, deletes expired recordings and the call's personal data, one audit row per
// deletion. A legal hold suspends all of it for its call. In WORM mode nothing is deleted before
// its retention ends, by anyone, and policies may only be lengthened.
import { unlink } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import type { PurgeCandidate, RetentionPolicy, RetentionPolicyInput, RetentionRepository } from '../store/index.js';

const DAY_MS = 86_400_000;
const PAGE = 1000;
const UNLINKS_AT_ONCE = 16;

export interface RetentionAudit {
  record(entry: { actor: string; action: string; target?: string; source?: string; detail?: Record<string, unknown> }): void;
}

export interface RetentionServiceOptions {
  readonly repository: RetentionRepository;
  /** <dataDir>/recordings: only files inside it are deleted */
  readonly dir: string;
  readonly clock: { now(): number };
  readonly audit: RetentionAudit;
  readonly worm: boolean;
  /** days to keep a recording no policy matches; 0: keep it */
  readonly defaultDays: number;
  readonly logger: { warn(obj: object, msg?: string): void; error(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

export interface PurgeReport {
  readonly deleted: number;
  /** expired but on legal hold */
  readonly held: number;
  readonly failed: number;
}

/** what the purge needs of the voicemail side */
export interface VoicemailRetention {
  /** messages left before `at` (their call has ended) */
  messagesBefore(at: number): Promise<ReadonlyArray<{ readonly id: string; readonly callId: string }>>;
  /** deletes the message and its audio; false when it is gone already */
  purge(id: string): Promise<boolean>;
}

export type Refusal = { readonly ok: false; readonly status: 404 | 409; readonly reason: string };
export type Outcome<T> = { readonly ok: true; readonly value: T } | Refusal;

type Facts = Pick<PurgeCandidate, 'direction' | 'disposition' | 'tags' | 'queues'>;

const matches = (p: RetentionPolicy, c: Facts): boolean =>
  (p.direction === null || p.direction === c.direction) &&
  (p.disposition === null || p.disposition === c.disposition) &&
  (p.tag === null || c.tags.includes(p.tag)) &&
  (p.queue === null || c.queues.includes(p.queue));

export class RetentionService {
  readonly #o: RetentionServiceOptions;
  #running: Promise<PurgeReport> | null = null;

  constructor(options: RetentionServiceOptions) {
    this.#o = options;
  }

  get worm(): boolean {
    return this.#o.worm;
  }

  get defaultDays(): number {
    return this.#o.defaultDays;
  }

  /** days a call's recording is kept after it ended; null: without end */
  retentionDays(c: Facts, policies: readonly RetentionPolicy[]): number | null {
    let days: number | null = null;
    for (const p of policies) if (matches(p, c) && (days === null || p.retainDays > days)) days = p.retainDays;
    return days ?? (this.#o.defaultDays > 0 ? this.#o.defaultDays : null);
  }

  /** ms since the epoch when the call's retention ends; null: never (or the call has not ended) */
  async retainUntil(id: string): Promise<number | null | undefined> {
    const c = await this.#o.repository.candidate(id);
    if (c === undefined) return undefined;
    const days = this.retentionDays(c, await this.#o.repository.listPolicies());
    return days === null || c.endedAt === null ? null : c.endedAt + days * DAY_MS;
  }

  /** Resolves when no purge is running (shutdown). */
  async settled(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** Deletes every expired recording not on hold; one purge at a time (server/app runs it on the clock). */
  purge(): Promise<PurgeReport> {
    this.#running ??= this.#purge().finally(() => (this.#running = null));
    return this.#running;
  }

  async #purge(): Promise<PurgeReport> {
    const now = this.#o.clock.now();
    const policies = await this.#o.repository.listPolicies();
    const shortest = Math.min(...policies.map((p) => p.retainDays), this.#o.defaultDays > 0 ? this.#o.defaultDays : Infinity);
    if (!Number.isFinite(shortest)) return { deleted: 0, held: 0, failed: 0 };
    let deleted = 0;
    let held = 0;
    let failed = 0;
    let after: { endedAt: number; id: string } | undefined;
    for (;;) {
      const page = await this.#o.repository.purgeCandidates({ endedBy: now - shortest * DAY_MS, limit: PAGE, ...(after ? { after } : {}) });
      const due: { c: PurgeCandidate; days: number }[] = [];
      for (const c of page) {
        const days = this.retentionDays(c, policies);
        if (days === null || c.endedAt + days * DAY_MS > now) continue;
        if (c.legalHold) held++;
        else due.push({ c, days });
      }
      // unlinks go to libuv's thread pool: a few at a time instead of one after another
      const gone: { id: string; days: number; endedAt: number }[] = [];
      for (let i = 0; i < due.length; i += UNLINKS_AT_ONCE) {
        const batch = due.slice(i, i + UNLINKS_AT_ONCE);
        const deleted = await Promise.all(batch.map(({ c }) => this.#deleteFile(c)));
        batch.forEach(({ c, days }, j) => {
          if (deleted[j]) gone.push({ id: c.id, days, endedAt: c.endedAt });
          else failed++;
        });
      }
      await this.#o.repository.markPurged({ ids: gone.map((g) => g.id), at: now });
      for (const g of gone) this.#o.audit.record({ actor: 'system', action: 'recording.purge', target: g.id, detail: { retainDays: g.days, endedAt: new Date(g.endedAt).toISOString() } });
      deleted += gone.length;
      const last = page[page.length - 1];
      if (page.length < PAGE || last === undefined) break;
      after = { endedAt: last.endedAt, id: last.id };
    }
    if (deleted + held + failed > 0) this.#o.logger.info({ deleted, held, failed }, 'retention purge');
    return { deleted, held, failed };
  }

  /** An early delete by a person: refused on legal hold, and in WORM mode before retention ends. */
  async deleteRecording(o: { readonly id: string; readonly actor: string; readonly source?: string }): Promise<Outcome<{ purgedAt: number }>> {
    const c = await this.#o.repository.candidate(o.id);
    if (c === undefined) return { ok: false, status: 404, reason: 'call record not found' };
    if (c.purgedAt !== null || c.recordingPath === '') return { ok: false, status: 404, reason: 'the call has no recording' };
    const refused = await this.#earlyDeleteRefusal(c, 'the recording');
    if (refused !== null) return { ok: false, status: 409, reason: refused };
    const now = this.#o.clock.now();
    if (!(await this.#deleteFile({ id: c.id, recordingPath: c.recordingPath }))) return { ok: false, status: 409, reason: 'the recording file cannot be deleted' };
    await this.#o.repository.markPurged({ ids: [c.id], at: now });
    this.#o.audit.record({ actor: o.actor, action: 'recording.delete', target: c.id, ...(o.source ? { source: o.source } : {}), detail: { worm: this.#o.worm } });
    return { ok: true, value: { purgedAt: now } };
  }

  /**
   * Why what a call left besides its recording (a voicemail message) may not be deleted by a
   * person now: the call's legal hold, or in WORM mode its retention not yet over; null: it may.
   */
  async deleteRefusal(callId: string): Promise<string | null> {
    const c = await this.#o.repository.candidate(callId);
    if (c === undefined) return this.#o.worm ? 'WORM: the call that left it has no record, so its retention is unknown' : null;
    return this.#earlyDeleteRefusal(c, 'what the call left');
  }

  async #earlyDeleteRefusal(c: Facts & { readonly legalHold: boolean; readonly endedAt: number | null }, what: string): Promise<string | null> {
    if (c.legalHold) return 'the call is on legal hold';
    if (!this.#o.worm) return null;
    if (c.endedAt === null) return 'WORM: the call has not ended';
    const days = this.retentionDays(c, await this.#o.repository.listPolicies());
    if (days === null) return `WORM: ${what} is kept without end`;
    const until = c.endedAt + days * DAY_MS;
    return until > this.#o.clock.now() ? `WORM: retained until ${new Date(until).toISOString()}` : null;
  }

  /**
   * Voicemail messages follow their call's retention (issue 12: messages follow the recording
   * rules): each whose call's retention is over and that is not on legal hold is deleted, with an
   * audit row. A message whose call has no record is kept.
   */
  async purgeVoicemail(vm: VoicemailRetention): Promise<number> {
    const now = this.#o.clock.now();
    const policies = await this.#o.repository.listPolicies();
    let deleted = 0;
    for (const m of await vm.messagesBefore(now)) {
      const c = await this.#o.repository.candidate(m.callId);
      if (c === undefined || c.endedAt === null || c.legalHold) continue;
      const days = this.retentionDays(c, policies);
      if (days === null || c.endedAt + days * DAY_MS > now) continue;
      if (!(await vm.purge(m.id))) continue;
      this.#o.audit.record({ actor: 'system', action: 'voicemail.purge', target: m.id, detail: { callId: m.callId, retainDays: days } });
      deleted++;
    }
    if (deleted > 0) this.#o.logger.info({ deleted }, 'voicemail messages past retention deleted');
    return deleted;
  }

  /** WORM: a policy may be added, or lengthened with the same matching; never shortened or removed. */
  async updatePolicy(id: number, input: RetentionPolicyInput): Promise<Outcome<RetentionPolicy>> {
    const old = await this.#o.repository.getPolicy(id);
    if (old === undefined) return { ok: false, status: 404, reason: 'retention policy not found' };
    if (this.#o.worm) {
      const same = old.direction === input.direction && old.disposition === input.disposition && old.tag === input.tag && old.queue === input.queue;
      if (!same || input.retainDays < old.retainDays) return { ok: false, status: 409, reason: 'WORM: a policy may only be lengthened, with the same direction, disposition, tag and queue' };
    }
    const updated = await this.#o.repository.updatePolicy(id, input);
    return updated ? { ok: true, value: updated } : { ok: false, status: 404, reason: 'retention policy not found' };
  }

  async deletePolicy(id: number): Promise<Outcome<null>> {
    if (this.#o.worm) return { ok: false, status: 409, reason: 'WORM: retention policies cannot be removed' };
    return (await this.#o.repository.deletePolicy(id)) ? { ok: true, value: null } : { ok: false, status: 404, reason: 'retention policy not found' };
  }

  /** true when the file is gone (deleted now, or already) */
  async #deleteFile(c: { id: string; recordingPath: string }): Promise<boolean> {
    const dir = resolve(this.#o.dir);
    const path = resolve(dir, c.recordingPath);
    if (!path.startsWith(dir + sep)) {
      this.#o.logger.warn({ call: c.id, path: c.recordingPath }, 'recording path outside the recordings folder: not deleted');
      return false;
    }
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') return true;
      this.#o.logger.error({ call: c.id, err: String(err) }, 'recording not deleted');
      return false;
    }
  }
}
