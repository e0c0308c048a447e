// An instant as the wall clock of an IANA time zone reads it. Intl (ICU's tz database, shipped with
// Node) does the offset maths, including daylight saving changes, so nothing here adds or subtracts
// offsets by hand: an opening hour is a wall-clock time, and the wall clock is what we ask for.
// In a spring-forward gap the wall clock jumps (02:00 → 03:00 in America/New_York), so a period
// that starts inside the gap opens at the first instant after it; in a fall-back hour the same
// wall-clock minute happens twice and is open or closed both times.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface LocalTime {
  /** YYYY-MM-DD */
  readonly date: string;
  /** minutes since local midnight, 0..1439 */
  readonly minute: number;
  /** HH:MM */
  readonly time: string;
  readonly weekday: Weekday;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** true when the runtime knows the zone (ICU's IANA names and their links, e.g. Asia/Shanghai, UTC) */
export function isKnownTimeZone(timeZone: string): boolean {
  if (timeZone.length === 0 || timeZone.length > 64) return false;
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

const SHORT_DAYS: Readonly<Record<string, Weekday>> = { Mon: 'mon', Tue: 'tue', Wed: 'wed', Thu: 'thu', Fri: 'fri', Sat: 'sat', Sun: 'sun' };

/** the wall clock of `timeZone` at `instant` (ms since the epoch); the zone must be known */
export function localTimeOf(o: { instant: number; timeZone: string }): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatterOf(o.timeZone).formatToParts(new Date(o.instant))) parts[p.type] = p.value;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const time = `${parts.hour}:${parts.minute}`;
  return { date: `${parts.year}-${parts.month}-${parts.day}`, minute: hour * 60 + minute, time, weekday: SHORT_DAYS[parts.weekday ?? ''] ?? 'mon' };
}

/** a proleptic Gregorian date that exists (2026-02-29 does not) */
export function isCalendarDate(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** the weekday of a date by Zeller-free day counting (UTC date arithmetic, no zone involved) */
export function weekdayOf(date: string): Weekday {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return WEEKDAYS[(day + 6) % 7]!;
}

/** 'HH:MM' (or '24:00') → minutes since midnight */
export function minutesOf(time: string): number {
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}
