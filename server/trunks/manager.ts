// The trunks while Hailing runs: one TrunkRuntime per stored trunk (rebuilt when the table
// changes), the outbound routes and DIDs as typed values, and the inbound side: which source
// address is a carrier's, and which DID a carrier's INVITE is for.
import { BlockList, isIP } from 'node:net';
import type { Clock, DnsQueries, Logger, SipStack, SipTarget } from '../sip/index.js';
import { Destination, type DialPlanEntry, type InboundDecision } from '../calls/index.js';
import type { DidRow, OutboundRouteRow, TrunkRow } from '../store/index.js';
import { TrunkRuntime, type TrunkStatus } from './runtime.js';
import { TLS_DEFAULTS, type OutboundRoute, type RouteWrite, type Trunk, type TrunkSettings } from './model.js';

/** What the manager reads: TrunkRepository's shape. */
export interface TrunkTables {
  trunks(): Promise<readonly TrunkRow[]>;
  routes(): Promise<readonly OutboundRouteRow[]>;
  dids(): Promise<readonly DidRow[]>;
}

export interface TrunkManagerOptions {
  readonly tables: TrunkTables;
  readonly stack: Pick<SipStack, 'request'>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly dns: DnsQueries;
  readonly contact: (user: string, target: SipTarget) => string;
  readonly registerRetryBaseMs?: number;
  /** an INVITE from a carrier for a number no DID holds */
  readonly unknownDid?: (o: { trunk: string; dialled: string; source: string }) => void;
}

// a trunk saved before TLS settings existed is verified, as a new one is
export const trunkOf = (row: TrunkRow): Trunk => ({ ...(row.settings as unknown as TrunkSettings), tls: (row.settings as Partial<TrunkSettings>).tls ?? TLS_DEFAULTS, id: row.id, name: row.name, kind: row.kind === 'ip' ? 'ip' : 'register', secret: row.secret });
export const routeOf = (row: OutboundRouteRow): OutboundRoute => ({ ...(row.settings as unknown as Omit<RouteWrite, 'name'>), id: row.id, name: row.name });

/** a DID range holds `n`: same length, between first and last (digit strings compare in order then) */
export const didHolds = (d: { first: string; last: string }, n: string): boolean => n.length === d.first.length && n >= d.first && n <= d.last;

export class TrunkManager {
  readonly #o: TrunkManagerOptions;
  readonly #runtimes = new Map<number, { row: TrunkRow; runtime: TrunkRuntime; sources: BlockList | null }>();
  #unknownDids = 0;
  #closed = false;

  constructor(options: TrunkManagerOptions) {
    this.#o = options;
  }

  /** Brings the runtimes in line with the table: new and changed trunks (re)start, removed ones stop. */
  async reload(): Promise<void> {
    if (this.#closed) return;
    const rows = await this.#o.tables.trunks();
    const seen = new Set<number>();
    for (const row of rows) {
      seen.add(row.id);
      const current = this.#runtimes.get(row.id);
      // the table's rows are new objects after any write: a trunk restarts only when its own row changed
      if (current && sameRow(current.row, row)) {
        current.row = row;
        continue;
      }
      if (current) await current.runtime.close();
      const trunk = trunkOf(row);
      const runtime = new TrunkRuntime({ trunk, stack: this.#o.stack, clock: this.#o.clock, logger: this.#o.logger, dns: this.#o.dns, contact: this.#o.contact, ...(this.#o.registerRetryBaseMs !== undefined ? { registerRetryBaseMs: this.#o.registerRetryBaseMs } : {}) });
      this.#runtimes.set(row.id, { row, runtime, sources: sourcesOf(trunk) });
      runtime.start();
    }
    for (const [id, r] of this.#runtimes) {
      if (seen.has(id)) continue;
      this.#runtimes.delete(id);
      await r.runtime.close();
    }
  }

  get(id: number): TrunkRuntime | undefined {
    return this.#runtimes.get(id)?.runtime;
  }

  status(): TrunkStatus[] {
    return [...this.#runtimes.values()].map((r) => r.runtime.status());
  }

  get unknownDids(): number {
    return this.#unknownDids;
  }

  async route(id: number): Promise<OutboundRoute | undefined> {
    const row = (await this.#o.tables.routes()).find((r) => r.id === id);
    return row ? routeOf(row) : undefined;
  }

  /** the trunk a request from `address` comes from: an ip trunk listing it, or a registration trunk's resolved host */
  trunkFrom(address: string): TrunkRuntime | undefined {
    // every INVITE asks: with no trunk, isIP's regular expression is not worth running
    if (this.#runtimes.size === 0) return undefined;
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    for (const { runtime, sources } of this.#runtimes.values()) {
      if (!runtime.trunk.enabled) continue;
      if (sources?.check(address, family)) return runtime;
      if (runtime.trunk.kind === 'register' && runtime.knows(address)) return runtime;
    }
    return undefined;
  }

  /** call control's question for each new INVITE: a carrier's call to a DID, or not a trunk at all */
  async classify(request: { readonly source: { readonly address: string }; readonly dialled: string; readonly caller: () => string }): Promise<InboundDecision> {
    const runtime = this.trunkFrom(request.source.address);
    if (runtime === undefined) return { kind: 'not-a-trunk' };
    const trunk = runtime.trunk;
    const did = (await this.#o.tables.dids()).find((d) => (d.trunkId === null || d.trunkId === trunk.id) && didHolds(d, request.dialled));
    if (did === undefined) {
      this.#unknownDids++;
      this.#o.unknownDid?.({ trunk: trunk.name, dialled: request.dialled, source: request.source.address });
      // RFC 3261 §21.4.4: the number does not exist here
      return { kind: 'refuse', status: 404, cause: 'unknown-did' };
    }
    const steps = did.steps.map((s) => Destination.safeParse(s));
    if (!steps.every((s) => s.success)) return { kind: 'refuse', status: 500, cause: 'bad-did' };
    const entry: DialPlanEntry = { id: `did:${did.id}`, pattern: request.dialled, permission: null, steps: steps.map((s) => s.data!) };
    // a carrier's caller may reach extensions (a DID that redials one) but never a route out
    const calling = request.caller();
    const caller = { number: /^\+?[0-9]{1,32}$/.test(calling) ? calling : 'anonymous', displayName: null, permissions: ['internal'] };
    return { kind: 'did', trunk: trunk.name, caller, entry };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#runtimes.values()].map((r) => r.runtime.close()));
    this.#runtimes.clear();
  }
}

const sameRow = (a: TrunkRow, b: TrunkRow): boolean => a.updatedAt === b.updatedAt && a.name === b.name && a.kind === b.kind && a.secret === b.secret && JSON.stringify(a.settings) === JSON.stringify(b.settings);

function sourcesOf(trunk: Trunk): BlockList | null {
  if (trunk.addresses.length === 0) return null;
  const list = new BlockList();
  for (const cidr of trunk.addresses) {
    const [address, bits] = cidr.split('/');
    const family = isIP(address!) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address!, family);
    else list.addSubnet(address!, Number(bits), family);
  }
  return list;
}
