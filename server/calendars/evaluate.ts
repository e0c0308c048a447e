// Is the centre open at an instant, and why. Pure: a calendar and an instant in, a decision out.
// The instant becomes the calendar zone's wall clock (local-time.ts); a dated rule for that local
// date replaces the week (a holiday: closed, or its special hours; a working day: the weekly hours
// of the weekday it names), otherwise the weekday's own hours apply. Periods are [open, close) and
// breaks [start, end): at 12:00 a 09:00-12:00 period has closed and a 12:00-13:00 break has begun.
import { localTimeOf, minutesOf, type Weekday } from './local-time.js';
import type { Calendar, DayRule, Period } from './model.js';

export type CalendarReason =
  /** inside a period of the hours that apply */
  | 'open'
  /** inside a break of a period */
  | 'break'
  /** the day has hours, but not now */
  | 'outside-hours'
  /** the day has no hours at all (a weekend, or a holiday closed all day) */
  | 'closed-day';

export type CalendarDecision = {
  readonly open: boolean;
  readonly reason: CalendarReason;
  /** whose hours applied: the weekday's, a holiday's, or a working day's */
  readonly source: 'weekly' | 'holiday' | 'workday';
  /** the wall clock in the calendar's zone */
  readonly local: { readonly date: string; readonly time: string; readonly weekday: Weekday };
  /** the weekday whose weekly hours applied (a working-day override names another day) */
  readonly schedule?: Weekday;
  /** the dated rule that applied */
  readonly rule?: { readonly date: string; readonly kind: DayRule['kind']; readonly name?: string };
  /** the period (or break) that decided, 'HH:MM-HH:MM' */
  readonly period?: string;
  /** one line for people: the trace, the API */
  readonly detail: string;
};

function within(hours: readonly Period[], minute: number): { reason: CalendarReason; period?: string } {
  if (hours.length === 0) return { reason: 'closed-day' };
  for (const p of hours) {
    if (minute < minutesOf(p.open) || minute >= minutesOf(p.close)) continue;
    const b = p.breaks.find((x) => minute >= minutesOf(x.start) && minute < minutesOf(x.end));
    return b ? { reason: 'break', period: `${b.start}-${b.end}` } : { reason: 'open', period: `${p.open}-${p.close}` };
  }
  return { reason: 'outside-hours' };
}

const SENTENCE: Record<CalendarReason, string> = { open: 'open', break: 'closed for a break', 'outside-hours': 'closed outside its hours', 'closed-day': 'closed all day' };

export function at(o: { calendar: Calendar; instant: number }): CalendarDecision {
  const local = localTimeOf({ instant: o.instant, timeZone: o.calendar.timeZone });
  const rule = o.calendar.days.find((d) => d.date === local.date);
  let hours: readonly Period[];
  let source: CalendarDecision['source'] = 'weekly';
  let schedule: Weekday | undefined = local.weekday;
  if (rule?.kind === 'holiday') {
    [hours, source, schedule] = [rule.hours, 'holiday', undefined];
  } else if (rule?.kind === 'workday') {
    [hours, source, schedule] = [o.calendar.weekly[rule.schedule], 'workday', rule.schedule];
  } else {
    hours = o.calendar.weekly[local.weekday];
  }
  const r = within(hours, local.minute);
  const where = `${local.date} (${local.weekday}) ${local.time} ${o.calendar.timeZone}`;
  const why =
    source === 'holiday'
      ? `holiday${rule?.name ? ` ${rule.name}` : ''}${hours.length > 0 ? ' on special hours' : ''}`
      : source === 'workday'
        ? `working day${rule?.name ? ` ${rule.name}` : ''} on ${schedule}'s hours`
        : `${local.weekday}'s hours`;
  return {
    open: r.reason === 'open',
    reason: r.reason,
    source,
    local: { date: local.date, time: local.time, weekday: local.weekday },
    ...(schedule !== undefined ? { schedule } : {}),
    ...(rule !== undefined ? { rule: { date: rule.date, kind: rule.kind, ...(rule.name !== undefined ? { name: rule.name } : {}) } } : {}),
    ...(r.period !== undefined ? { period: r.period } : {}),
    detail: `${where}: ${SENTENCE[r.reason]}${r.period !== undefined ? ` (${r.period})` : ''}, ${why}`,
  };
}
