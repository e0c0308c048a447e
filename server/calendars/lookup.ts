// Calendars by id for the dial plan: a stored row (JSON hours and rules) read as a typed calendar
// once per version of the row, then evaluated at the instant the call is resolved.
import { at, type CalendarDecision } from './evaluate.js';
import { CalendarSpec, type Calendar } from './model.js';

export interface CalendarRowLike {
  readonly id: number;
  readonly name: string;
  readonly timeZone: string;
  readonly weekly: unknown;
  readonly days: unknown;
}

export interface CalendarLookup {
  /** the decision at `instant` (ms since the epoch), with the calendar's name; null: no such calendar (or a stored row that no longer reads) */
  at(o: { id: number; instant: number }): Promise<{ readonly open: boolean; readonly detail: string; readonly decision: CalendarDecision & { readonly name: string } } | null>;
  exists(id: number): Promise<boolean>;
}

export function createCalendarLookup(o: { get: (id: number) => Promise<CalendarRowLike | undefined> }): CalendarLookup {
  // the repository hands out the same row object until the row changes
  const typed = new WeakMap<CalendarRowLike, Calendar | null>();
  const read = (row: CalendarRowLike): Calendar | null => {
    let c = typed.get(row);
    if (c === undefined) {
      const r = CalendarSpec.safeParse({ name: row.name, timeZone: row.timeZone, weekly: row.weekly, days: row.days });
      c = r.success ? r.data : null;
      typed.set(row, c);
    }
    return c;
  };
  return {
    async at({ id, instant }) {
      const row = await o.get(id);
      const calendar = row === undefined ? null : read(row);
      if (row === undefined || calendar === null) return null;
      const decision = { ...at({ calendar, instant }), name: row.name };
      return { open: decision.open, detail: `"${row.name}" ${decision.detail}`, decision };
    },
    exists: async (id) => (await o.get(id)) !== undefined,
  };
}
