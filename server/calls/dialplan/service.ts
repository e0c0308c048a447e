// The dial plan as the API and call control see it: the table's rows as typed entries, the checks
// that keep a bad entry out (malformed pattern, unknown destination, loop), and "what happens when
// X dials Y" without placing a call.
import { Destination, type CalendarState, type DestinationEnv } from './destinations.js';
import { entryProblem, resolveDialled, type DialPlanEntry, type Resolution } from './resolver.js';

/** A table row as the store keeps it (DialPlanRepository's shape). */
export interface DialPlanRowLike {
  readonly id: number;
  readonly pattern: string;
  readonly permission: string | null;
  readonly steps: readonly Record<string, unknown>[];
}

export interface DialPlanServiceOptions {
  readonly rows: () => Promise<readonly DialPlanRowLike[]>;
  readonly profile: (number: string) => Promise<{ readonly permissions: readonly string[] } | undefined>;
  readonly conferenceNumbers: { readonly min: number; readonly max: number } | null;
  /** business calendars the plan may branch on; absent: a calendar step names an unknown calendar */
  readonly calendars?: { at(o: { id: number; instant: number }): Promise<CalendarState | null>; exists(id: number): Promise<boolean> };
  /** a dialled number's permission class, for entries whose permission is 'dialled' */
  readonly classify?: DestinationEnv['classify'];
  /** ms since the epoch: the instant a resolution is made for when none is given; default Date.now */
  readonly now?: () => number;
  /** the ACD's queues (a 'queue' step naming another is refused) */
  readonly isQueue?: (id: string) => boolean;
  /** outbound routes (server/trunks) that 'route' steps may name */
  readonly routeExists?: (id: number) => Promise<boolean>;
  /** IVR flows (server/ivr) that 'flow' steps may name */
  readonly flowExists?: (id: number) => Promise<boolean>;
}

export interface DialPlanService {
  /** the table as typed entries (rows whose steps no longer parse are skipped) */
  entries(): Promise<readonly DialPlanEntry[]>;
  /** why `entry` cannot go into the table (replacing the row `replacing`), or null */
  problem(entry: Omit<DialPlanRowLike, 'id'>, replacing?: number): Promise<string | null>;
  /** `at`: the instant to resolve for (calendars), ms since the epoch; default now */
  resolve(from: string, to: string, at?: number): Promise<Resolution>;
}

export function createDialPlanService(o: DialPlanServiceOptions): DialPlanService {
  const calendars = o.calendars;
  const now = o.now ?? Date.now;
  const envAt = (instant: number): DestinationEnv => ({
    isExtension: async (n) => (await o.profile(n)) !== undefined,
    conferenceNumbers: o.conferenceNumbers,
    calendar: async (id) => (calendars === undefined ? null : calendars.at({ id, instant })),
    calendarExists: async (id) => calendars !== undefined && (await calendars.exists(id)),
    ...(o.classify !== undefined ? { classify: o.classify } : {}),
    ...(o.isQueue ? { isQueue: o.isQueue } : {}),
    ...(o.routeExists ? { routeExists: o.routeExists } : {}),
    ...(o.flowExists ? { flowExists: o.flowExists } : {}),
  });
  const typed = (row: DialPlanRowLike): DialPlanEntry | null => {
    const steps = row.steps.map((s) => Destination.safeParse(s));
    if (!steps.every((s) => s.success)) return null;
    return { id: row.id, pattern: row.pattern, permission: row.permission, steps: steps.map((s) => s.data!) };
  };
  // the repository hands out the same array until the table changes: its typed entries are kept with it
  let cached: { rows: readonly DialPlanRowLike[]; entries: readonly DialPlanEntry[] } | undefined;
  const entries = async (): Promise<readonly DialPlanEntry[]> => {
    const rows = await o.rows();
    if (cached?.rows !== rows) cached = { rows, entries: rows.map(typed).filter((e): e is DialPlanEntry => e !== null) };
    return cached.entries;
  };
  return {
    entries,
    async problem(entry, replacing) {
      const candidate = typed({ ...entry, id: replacing ?? -1 });
      if (candidate === null) return 'unknown destination: a step is not a destination';
      const others = (await entries()).filter((e) => e.id !== replacing);
      return entryProblem({ entry: candidate, others, env: envAt(now()) });
    },
    async resolve(from, to, at) {
      const caller = await o.profile(from);
      return resolveDialled({ callerPermissions: caller?.permissions ?? [], dialled: to, entries: await entries(), env: envAt(at ?? now()) });
    },
  };
}
