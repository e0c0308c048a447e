// A business calendar: weekly opening hours with breaks, and dated rules that override a week
// (holidays, closed or on special hours; working days such as mainland China's make-up Saturdays,
// 调休, that work on a named weekday's hours), all in one IANA time zone. Times are wall-clock
// 'HH:MM' in that zone (local-time.ts). The schema refuses what cannot be evaluated sensibly and
// names the exact place: an unknown zone, a date that does not exist, a period that ends before it
// starts or overlaps another one on the same day, a break outside its period, a date given twice.
import { z } from 'zod';
import { WEEKDAYS, isCalendarDate, isKnownTimeZone, minutesOf } from './local-time.js';

export const Time = z.string().regex(/^(?:(?:[01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, "a time is 'HH:MM', 00:00 to 24:00");
export const DateText = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "a date is 'YYYY-MM-DD'")
  .refine(isCalendarDate, { message: 'no such date' });
export const TimeZone = z.string().refine(isKnownTimeZone, { message: 'unknown time zone (an IANA name such as Asia/Shanghai)' });
export const Weekday = z.enum(WEEKDAYS);

export const Break = z.strictObject({ start: Time, end: Time });
export const Period = z.strictObject({
  open: Time,
  close: Time,
  /** closed within the period (lunch); inside it and not overlapping each other */
  breaks: z.array(Break).max(8).default([]),
});
/** a day's periods; none: closed all day */
export const DayHours = z.array(Period).max(8);

export const Weekly = z.strictObject(Object.fromEntries(WEEKDAYS.map((d) => [d, DayHours.default([])])) as Record<(typeof WEEKDAYS)[number], z.ZodDefault<typeof DayHours>>);

export const HolidayRule = z.strictObject({
  date: DateText,
  kind: z.literal('holiday'),
  name: z.string().trim().max(100).optional(),
  /** special hours on that day; empty (the default): closed all day */
  hours: DayHours.default([]),
});
export const WorkdayRule = z.strictObject({
  date: DateText,
  kind: z.literal('workday'),
  name: z.string().trim().max(100).optional(),
  /** whose weekly hours the day follows (a make-up Saturday works as a Monday by default) */
  schedule: Weekday.default('mon'),
});
export const DayRule = z.discriminatedUnion('kind', [HolidayRule, WorkdayRule]);
export const DayRules = z.array(DayRule).max(5000);

export type Period = z.output<typeof Period>;
export type DayRule = z.output<typeof DayRule>;
export type Weekly = z.output<typeof Weekly>;

type Issue = { path: (string | number)[]; message: string };

/** overlaps, reversed periods and stray breaks of one day's periods, with paths below `at` */
export function dayHoursIssues(hours: readonly Period[], at: (string | number)[]): Issue[] {
  const issues: Issue[] = [];
  hours.forEach((p, i) => {
    const [open, close] = [minutesOf(p.open), minutesOf(p.close)];
    if (close <= open) issues.push({ path: [...at, i, 'close'], message: `closes at ${p.close}, not after it opens at ${p.open}` });
    hours.forEach((q, j) => {
      if (j >= i) return;
      if (minutesOf(q.open) < close && open < minutesOf(q.close)) issues.push({ path: [...at, i], message: `${p.open}-${p.close} overlaps ${q.open}-${q.close} (${[...at, j].join('.')})` });
    });
    p.breaks.forEach((b, k) => {
      const [start, end] = [minutesOf(b.start), minutesOf(b.end)];
      if (end <= start) issues.push({ path: [...at, i, 'breaks', k, 'end'], message: `a break ends at ${b.end}, not after it starts at ${b.start}` });
      else if (start < open || end > close) issues.push({ path: [...at, i, 'breaks', k], message: `break ${b.start}-${b.end} lies outside opening hours ${p.open}-${p.close}` });
      p.breaks.forEach((c, l) => {
        if (l < k && minutesOf(c.start) < end && start < minutesOf(c.end)) issues.push({ path: [...at, i, 'breaks', k], message: `break ${b.start}-${b.end} overlaps break ${c.start}-${c.end}` });
      });
    });
  });
  return issues;
}

/** the checks across fields of a rule list: periods per rule, a date at most once */
export function dayRulesIssues(days: readonly DayRule[], at: (string | number)[]): Issue[] {
  const issues: Issue[] = [];
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    const first = seen.get(d.date);
    if (first !== undefined) issues.push({ path: [...at, i, 'date'], message: `${d.date} is already given (${[...at, first].join('.')})` });
    else seen.set(d.date, i);
    if (d.kind === 'holiday') issues.push(...dayHoursIssues(d.hours, [...at, i, 'hours']));
  });
  return issues;
}

export function weeklyIssues(weekly: Weekly, at: (string | number)[]): Issue[] {
  return WEEKDAYS.flatMap((d) => dayHoursIssues(weekly[d], [...at, d]));
}

const report = (ctx: z.RefinementCtx, issues: readonly Issue[]): void => {
  for (const i of issues) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
};

/** A calendar as the API writes it. */
export const CalendarSpec = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    timeZone: TimeZone.meta({ description: 'IANA time zone, e.g. Asia/Shanghai; hours are wall-clock times there' }),
    weekly: Weekly.meta({ description: 'opening hours per weekday (mon … sun); a day without periods is closed' }),
    days: DayRules.default([]).meta({ description: 'dated rules that replace the weekly hours of their day: holidays and working-day overrides' }),
  })
  .superRefine((c, ctx) => report(ctx, [...weeklyIssues(c.weekly, ['weekly']), ...dayRulesIssues(c.days, ['days'])]));
export type CalendarSpec = z.output<typeof CalendarSpec>;

/** What evaluation needs (a stored calendar is one). */
export interface Calendar {
  readonly timeZone: string;
  readonly weekly: Weekly;
  readonly days: readonly DayRule[];
}
