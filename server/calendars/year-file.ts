// A year of dated rules in one file (docs/calendars.md): what a government publishes each year
// (mainland China's State Council notice: holidays and the make-up working days, 调休) imported
// into a calendar in one step, replacing that year's rules and nothing else. Ranges ('from'/'to')
// keep a nine-day Spring Festival one line. And "copy from last year": the rules of one year put on
// the same month and day of another (right for fixed-date holidays; lunar ones need a new file).
import { z } from 'zod';
import { DateText, DayHours, Weekday, dayHoursIssues, type DayRule } from './model.js';

export const YEAR_FILE_FORMAT = 'hailing.calendar-year/1';
const MAX_RANGE_DAYS = 31;

const Common = {
  date: DateText.optional(),
  from: DateText.optional(),
  to: DateText.optional(),
  name: z.string().trim().max(100).optional(),
};
const FileEntry = z.discriminatedUnion('kind', [
  z.strictObject({ ...Common, kind: z.literal('holiday'), hours: DayHours.default([]) }),
  z.strictObject({ ...Common, kind: z.literal('workday'), schedule: Weekday.default('mon') }),
]);

const dayMs = 86_400_000;
const dateAt = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const msOf = (date: string): number => Date.parse(`${date}T00:00:00Z`);

/** the dates an entry names (validated first: one of date or from+to, within a month) */
function datesOf(e: { date?: string | undefined; from?: string | undefined; to?: string | undefined }): string[] {
  if (e.date !== undefined) return [e.date];
  const out: string[] = [];
  for (let t = msOf(e.from!); t <= msOf(e.to!); t += dayMs) out.push(dateAt(t));
  return out;
}

export const YearFile = z
  .strictObject({
    format: z.literal(YEAR_FILE_FORMAT),
    year: z.number().int().min(1970).max(9999),
    /** free text: where it applies (CN, a province, a company) */
    region: z.string().trim().max(100).optional(),
    /** free text: the publication it was built from */
    source: z.string().trim().max(500).optional(),
    days: z.array(FileEntry).max(400),
  })
  .superRefine((f, ctx) => {
    const seen = new Map<string, number>();
    f.days.forEach((e, i) => {
      const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path: ['days', i, ...path], message });
      if ((e.date === undefined) === (e.from === undefined || e.to === undefined) || (e.date !== undefined && (e.from !== undefined || e.to !== undefined))) {
        return issue([], "give either 'date' or both 'from' and 'to'");
      }
      if (e.from !== undefined && e.to !== undefined) {
        const span = (msOf(e.to) - msOf(e.from)) / dayMs;
        if (span < 0) return issue(['to'], `${e.to} is before ${e.from}`);
        if (span >= MAX_RANGE_DAYS) return issue(['to'], `a range spans at most ${MAX_RANGE_DAYS} days`);
      }
      for (const d of datesOf(e)) {
        if (!d.startsWith(`${f.year}-`)) return issue([e.date !== undefined ? 'date' : 'from'], `${d} is not in ${f.year}`);
        const first = seen.get(d);
        if (first !== undefined) return issue([e.date !== undefined ? 'date' : 'from'], `${d} is already given (days.${first})`);
        seen.set(d, i);
      }
      if (e.kind === 'holiday') for (const x of dayHoursIssues(e.hours, ['hours'])) issue(x.path, x.message);
    });
  });
export type YearFile = z.output<typeof YearFile>;

const inYear = (year: number) => (d: DayRule) => d.date.startsWith(`${year}-`);
const byDate = (a: DayRule, b: DayRule) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);

/** the file's rules, one per date */
export function rulesOf(file: YearFile): DayRule[] {
  return file.days.flatMap((e) =>
    datesOf(e).map((date): DayRule => {
      const name = e.name !== undefined ? { name: e.name } : {};
      return e.kind === 'holiday' ? { date, kind: 'holiday', ...name, hours: e.hours } : { date, kind: 'workday', ...name, schedule: e.schedule };
    }),
  );
}

/** the calendar's rules with `file.year`'s replaced by the file's */
export function importYear(o: { days: readonly DayRule[]; file: YearFile }): DayRule[] {
  return [...o.days.filter((d) => !inYear(o.file.year)(d)), ...rulesOf(o.file)].sort(byDate);
}

/** `from`'s rules on the same month and day of `to`, replacing `to`'s; 29 February has no twin in a common year */
export function copyYear(o: { days: readonly DayRule[]; from: number; to: number }): { days: DayRule[]; copied: number; skipped: string[] } {
  const copied: DayRule[] = [];
  const skipped: string[] = [];
  for (const d of o.days.filter(inYear(o.from))) {
    const date = `${String(o.to).padStart(4, '0')}${d.date.slice(4)}`;
    if (DateText.safeParse(date).success) copied.push({ ...d, date });
    else skipped.push(d.date);
  }
  return { days: [...o.days.filter((d) => !inYear(o.to)(d)), ...copied].sort(byDate), copied: copied.length, skipped };
}
