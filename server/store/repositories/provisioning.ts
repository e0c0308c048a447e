// Provisioning devices, pending MACs and template overrides. Devices and templates are few and
// written by administrators: plain awaited statements. What phones cause (a pending MAC, a device's
// last fetch) goes through the batching writer and never delays the phone's answer.
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import type { StoreLogger } from '../logger.js';
import {
  provisioningDevices,
  provisioningPending,
  provisioningTemplates,
  type ProvisioningDeviceRow,
  type ProvisioningPendingRow,
  type ProvisioningTemplateRow,
} from '../schema/provisioning.js';
import { toStatement } from '../statement.js';

export type ProvisioningDeviceInput = Omit<ProvisioningDeviceRow, 'lastSeenAt' | 'lastSource' | 'lastUserAgent' | 'createdAt' | 'updatedAt'>;

export interface PendingSighting {
  readonly mac: string;
  readonly family: string | null;
  readonly userAgent: string | null;
  readonly source: string;
  readonly via: 'http' | 'pnp';
  readonly at: number;
}

export interface ProvisioningRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  logger: StoreLogger;
  now?: () => number;
}

export class ProvisioningRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter;
  readonly #logger: StoreLogger;
  readonly #now: () => number;

  constructor(options: ProvisioningRepositoryOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
  }

  devices(): Promise<ProvisioningDeviceRow[]> {
    return this.#db.select().from(provisioningDevices).orderBy(asc(provisioningDevices.mac));
  }

  /** undefined when the MAC is enrolled already */
  async createDevice(input: ProvisioningDeviceInput): Promise<ProvisioningDeviceRow | undefined> {
    const now = this.#now();
    const rows = await this.#db
      .insert(provisioningDevices)
      .values({ ...input, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    if (rows[0] !== undefined) await this.#db.delete(provisioningPending).where(eq(provisioningPending.mac, input.mac));
    return rows[0];
  }

  async deleteDevice(mac: string): Promise<boolean> {
    const rows = await this.#db.delete(provisioningDevices).where(eq(provisioningDevices.mac, mac)).returning({ mac: provisioningDevices.mac });
    return rows.length > 0;
  }

  /** a device's last fetch, fire-and-forget */
  seen(o: { mac: string; at: number; source: string; userAgent: string | null }): void {
    const query = this.#db
      .update(provisioningDevices)
      .set({ lastSeenAt: o.at, lastSource: o.source, lastUserAgent: o.userAgent })
      .where(eq(provisioningDevices.mac, o.mac));
    this.#writer.enqueue(toStatement(query)).catch((err: unknown) => this.#logger.error({ err, mac: o.mac }, 'device sighting not stored'));
  }

  pending(): Promise<ProvisioningPendingRow[]> {
    return this.#db.select().from(provisioningPending).orderBy(asc(provisioningPending.firstSeenAt));
  }

  /** an unknown MAC asked for a config, fire-and-forget */
  sighted(s: PendingSighting): void {
    const query = this.#db
      .insert(provisioningPending)
      .values({ mac: s.mac, family: s.family, userAgent: s.userAgent, source: s.source, via: s.via, requests: 1, firstSeenAt: s.at, lastSeenAt: s.at })
      .onConflictDoUpdate({
        target: provisioningPending.mac,
        set: { lastSeenAt: s.at, source: s.source, userAgent: s.userAgent, via: s.via, requests: sql`${provisioningPending.requests} + 1` },
      });
    this.#writer.enqueue(toStatement(query)).catch((err: unknown) => this.#logger.error({ err, mac: s.mac }, 'pending device not stored'));
  }

  async dismissPending(mac: string): Promise<boolean> {
    const rows = await this.#db.delete(provisioningPending).where(eq(provisioningPending.mac, mac)).returning({ mac: provisioningPending.mac });
    return rows.length > 0;
  }

  templates(): Promise<ProvisioningTemplateRow[]> {
    return this.#db.select().from(provisioningTemplates);
  }

  async saveTemplate(id: string, body: string): Promise<void> {
    const updatedAt = this.#now();
    await this.#db.insert(provisioningTemplates).values({ id, body, updatedAt }).onConflictDoUpdate({ target: provisioningTemplates.id, set: { body, updatedAt } });
  }

  async deleteTemplate(id: string): Promise<boolean> {
    const rows = await this.#db.delete(provisioningTemplates).where(eq(provisioningTemplates.id, id)).returning({ id: provisioningTemplates.id });
    return rows.length > 0;
  }
}
