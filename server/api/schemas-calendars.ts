// Business calendars' request and response shapes; the calendar itself is the calendar domain's
// schema (server/calendars/model.ts), so its checks (zone, dates, overlaps, breaks) are the API's.
import { z } from 'zod';
import { CalendarSpec, DayRules, Weekly, YearFile } from '../calendars/index.js';

export { CalendarSpec as CalendarWrite, YearFile };

export const Calendar = z.object({
  id: z.number().int(),
  name: z.string(),
  timeZone: z.string(),
  weekly: Weekly,
  days: DayRules,
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const CalendarList = z.object({ items: z.array(Calendar) });
export const CalendarParams = z.object({ id: z.coerce.number().int().min(1) });

export const CalendarAtQuery = z.object({
  time: z.iso.datetime({ offset: true }).optional().meta({ description: "the instant to ask about, RFC 3339 with 'Z' or an offset (2026-02-14T10:00:00+08:00); default now" }),
});
export const CalendarDecision = z.object({
  calendar: z.number().int(),
  time: z.iso.datetime(),
  open: z.boolean(),
  reason: z.enum(['open', 'break', 'outside-hours', 'closed-day']),
  source: z.enum(['weekly', 'holiday', 'workday']).meta({ description: "whose hours applied: the weekday's, a holiday's (closed or special hours), or a working-day override's" }),
  local: z.object({ date: z.string(), time: z.string(), weekday: z.string() }).meta({ description: "the wall clock in the calendar's zone" }),
  schedule: z.string().optional().meta({ description: 'the weekday whose weekly hours applied' }),
  rule: z.object({ date: z.string(), kind: z.enum(['holiday', 'workday']), name: z.string().optional() }).optional(),
  period: z.string().optional().meta({ description: "the period or break that decided, 'HH:MM-HH:MM'" }),
  detail: z.string(),
});

export const CopyYear = z
  .strictObject({ from: z.number().int().min(1970).max(9999), to: z.number().int().min(1970).max(9999) })
  .refine((v) => v.from !== v.to, { message: 'from and to are the same year', path: ['to'] });
export const CopyYearResult = z.object({ copied: z.number().int(), skipped: z.array(z.string()).meta({ description: 'dates with no twin in the target year (29 February)' }), calendar: Calendar });
export const ImportResult = z.object({ imported: z.number().int(), replaced: z.number().int().meta({ description: "the year's rules the file replaced" }), calendar: Calendar });
export const ExportQuery = z.object({ year: z.coerce.number().int().min(1970).max(9999) });
