// The process heartbeat (schema/heartbeats.ts). beat() only enqueues on the BatchWriter, so a beat
// costs the main thread no query and shares a commit with whatever else is being written.
import { eq } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import { RowInsert } from '../row-insert.js';
import { processHeartbeats } from '../schema/heartbeats.js';

export interface HeartbeatRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  /** whose heartbeat; one process per database uses the default */
  node?: string;
}

const upsertBeat = new RowInsert({ table: processHeartbeats, columns: ['node', 'aliveAt'], conflict: ['node'] });

export class HeartbeatRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter;
  readonly #node: string;

  constructor(options: HeartbeatRepositoryOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#node = options.node ?? 'local';
  }

  /** Alive at `at` (ms since the epoch); resolves once that is durable. */
  beat(at: number): Promise<void> {
    return this.#writer.enqueueRow(upsertBeat, [this.#node, Math.trunc(at)]);
  }

  /** The last durable beat; null when this node never beat (a database from before heartbeats). */
  async lastAlive(): Promise<number | null> {
    await this.#writer.flush();
    const rows = await this.#db.select({ aliveAt: processHeartbeats.aliveAt }).from(processHeartbeats).where(eq(processHeartbeats.node, this.#node)).limit(1);
    return rows[0]?.aliveAt ?? null;
  }
}
