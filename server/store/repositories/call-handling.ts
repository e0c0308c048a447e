// Per-extension call handling (DND, forwarding). Read on every call to an extension, so the rows
// are kept in memory and reloaded after this repository's own writes.
import type { Db } from '../database.js';
import { callHandling } from '../schema/call-handling.js';

export interface CallHandlingSettings {
  readonly dnd: boolean;
  readonly forwardAlways: string | null;
  readonly forwardBusy: string | null;
  readonly forwardNoAnswer: string | null;
  readonly noAnswerS: number | null;
}

export const noCallHandling: CallHandlingSettings = { dnd: false, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null, noAnswerS: null };

export class CallHandlingRepository {
  readonly #db: Db;
  readonly #now: () => number;
  #cache: Promise<Map<string, CallHandlingSettings>> | undefined;
  /** extension → its call pickup group (only extensions that have one) */
  #groups: Promise<Map<string, string>> | undefined;

  constructor(options: { db: Db; now?: () => number }) {
    this.#db = options.db;
    this.#now = options.now ?? Date.now;
  }

  #all(): Promise<Map<string, CallHandlingSettings>> {
    this.#cache ??= this.#db
      .select()
      .from(callHandling)
      .then((rows) => new Map(rows.map(({ number, dnd, forwardAlways, forwardBusy, forwardNoAnswer, noAnswerS }) => [number, { dnd, forwardAlways, forwardBusy, forwardNoAnswer, noAnswerS }])))
      .catch((err: unknown) => {
        this.#cache = undefined;
        throw err;
      });
    return this.#cache;
  }

  /** the extension's settings; the defaults (ring it, no forwarding) when it has none */
  async get(number: string): Promise<CallHandlingSettings> {
    return (await this.#all()).get(number) ?? noCallHandling;
  }

  async set(number: string, settings: CallHandlingSettings): Promise<void> {
    const row = { ...settings, updatedAt: this.#now() };
    await this.#db.insert(callHandling).values({ number, ...row }).onConflictDoUpdate({ target: callHandling.number, set: row });
    this.#cache = undefined;
  }

  #allGroups(): Promise<Map<string, string>> {
    this.#groups ??= this.#db
      .select({ number: callHandling.number, group: callHandling.pickupGroup })
      .from(callHandling)
      .then((rows) => new Map(rows.flatMap(({ number, group }) => (group === null ? [] : [[number, group] as const]))))
      .catch((err: unknown) => {
        this.#groups = undefined;
        throw err;
      });
    return this.#groups;
  }

  /** the extension's call pickup group, or null */
  async pickupGroup(number: string): Promise<string | null> {
    return (await this.#allGroups()).get(number) ?? null;
  }

  /** the extensions in `group` */
  async pickupGroupMembers(group: string): Promise<string[]> {
    return [...(await this.#allGroups())].filter(([, g]) => g === group).map(([n]) => n);
  }

  /** sets (or clears, null) the pickup group; the other settings stay as they are */
  async setPickupGroup(number: string, group: string | null): Promise<void> {
    const updatedAt = this.#now();
    await this.#db.insert(callHandling).values({ number, pickupGroup: group, updatedAt }).onConflictDoUpdate({ target: callHandling.number, set: { pickupGroup: group, updatedAt } });
    this.#groups = undefined;
  }

  /** after an extension is deleted: its row went with it (ON DELETE CASCADE), so the copy in memory goes too */
  forget(): void {
    this.#cache = undefined;
    this.#groups = undefined;
  }
}
