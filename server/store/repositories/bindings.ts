// Durable location-service bindings. Structurally implements the registrar's BindingPersistence:
// save/remove go through the BatchWriter and resolve once committed, so a 200 OK to REGISTER is
// only sent for a binding that is on disk.
import { eq, lte, and } from 'drizzle-orm';
import type { Db } from '../database.js';
import type { BatchWriter } from '../batch-writer.js';
import { registrationBindings, type RegistrationBindingRow } from '../schema/registration-bindings.js';
import { toStatement } from '../statement.js';
import { RowInsert } from '../row-insert.js';
import type { StoreLogger } from '../logger.js';

export const storedTransportProtocols = ['udp', 'tcp', 'tls', 'ws', 'wss'] as const;
export type StoredTransportProtocol = (typeof storedTransportProtocols)[number];

/** Mirrors the registrar's Binding field for field, so the lead can pass one for the other. */
export interface StoredBinding {
  readonly aor: string;
  readonly contact: string;
  readonly q: number;
  readonly expiresAt: number;
  readonly callId: string;
  readonly cseq: number;
  readonly flow: {
    readonly protocol: StoredTransportProtocol;
    readonly local: { readonly address: string; readonly port: number };
    readonly remote: { readonly address: string; readonly port: number };
    readonly connectionId?: string;
  };
  readonly source: { readonly address: string; readonly port: number };
  readonly userAgent?: string;
  readonly instanceId?: string;
  readonly updatedAt: number;
}

export interface BindingRepositoryOptions {
  db: Db;
  writer: BatchWriter;
  logger: StoreLogger;
}

function isProtocol(p: string): p is StoredTransportProtocol {
  return (storedTransportProtocols as readonly string[]).includes(p);
}

function fromRow(row: RegistrationBindingRow): StoredBinding | undefined {
  if (!isProtocol(row.flowProtocol)) return undefined;
  return {
    aor: row.aor,
    contact: row.contact,
    q: row.q,
    expiresAt: row.expiresAt,
    callId: row.callId,
    cseq: row.cseq,
    flow: {
      protocol: row.flowProtocol,
      local: { address: row.flowLocalAddress, port: row.flowLocalPort },
      remote: { address: row.flowRemoteAddress, port: row.flowRemotePort },
      ...(row.flowConnectionId !== null ? { connectionId: row.flowConnectionId } : {}),
    },
    source: { address: row.sourceAddress, port: row.sourcePort },
    ...(row.userAgent !== null ? { userAgent: row.userAgent } : {}),
    ...(row.instanceId !== null ? { instanceId: row.instanceId } : {}),
    updatedAt: row.updatedAt,
  };
}

/**
 * Built once: a save is then an array of values, with no query building per REGISTER, and saves
 * queued together commit as one multi-row upsert. The column order is that of save()'s row.
 */
const upsertBinding = new RowInsert({
  table: registrationBindings,
  columns: [
    'aor', 'contact', 'q', 'expiresAt', 'callId', 'cseq', 'flowProtocol', 'flowLocalAddress', 'flowLocalPort',
    'flowRemoteAddress', 'flowRemotePort', 'flowConnectionId', 'sourceAddress', 'sourcePort', 'userAgent',
    'instanceId', 'updatedAt',
  ],
  conflict: ['aor', 'contact'],
});

export class BindingRepository {
  readonly #db: Db;
  readonly #writer: BatchWriter;
  readonly #logger: StoreLogger;

  constructor(options: BindingRepositoryOptions) {
    this.#db = options.db;
    this.#writer = options.writer;
    this.#logger = options.logger;
  }

  async loadAll(): Promise<StoredBinding[]> {
    const rows = await this.#db.select().from(registrationBindings);
    const out: StoredBinding[] = [];
    for (const row of rows) {
      const b = fromRow(row);
      if (b) out.push(b);
      else this.#logger.warn({ aor: row.aor, protocol: row.flowProtocol }, 'skipping binding with unknown transport');
    }
    return out;
  }

  save(binding: StoredBinding): Promise<void> {
    return this.#writer.enqueueRow(upsertBinding, [
      binding.aor,
      binding.contact,
      binding.q,
      binding.expiresAt,
      binding.callId,
      binding.cseq,
      binding.flow.protocol,
      binding.flow.local.address,
      binding.flow.local.port,
      binding.flow.remote.address,
      binding.flow.remote.port,
      binding.flow.connectionId ?? null,
      binding.source.address,
      binding.source.port,
      binding.userAgent ?? null,
      binding.instanceId ?? null,
      binding.updatedAt,
    ]);
  }

  remove(aor: string, contact: string): Promise<void> {
    const query = this.#db
      .delete(registrationBindings)
      .where(and(eq(registrationBindings.aor, aor), eq(registrationBindings.contact, contact)));
    return this.#writer.enqueue(toStatement(query));
  }

  /** Deletes bindings expired at `now`; queued saves are committed first so none is resurrected. */
  async removeExpired(now: number): Promise<number> {
    await this.#writer.flush();
    const rows = await this.#db
      .delete(registrationBindings)
      .where(lte(registrationBindings.expiresAt, now))
      .returning({ aor: registrationBindings.aor });
    return rows.length;
  }
}
