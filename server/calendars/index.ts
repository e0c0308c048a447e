// Business calendars: the model and its checks, evaluation at an instant, yearly files.
export { CalendarSpec, DayRule, DayRules, Weekly, type Calendar } from './model.js';
export { at, type CalendarDecision, type CalendarReason } from './evaluate.js';
export { YearFile, YEAR_FILE_FORMAT, importYear, copyYear, rulesOf } from './year-file.js';
export { isKnownTimeZone, WEEKDAYS, type Weekday } from './local-time.js';
export { createCalendarLookup, type CalendarLookup, type CalendarRowLike } from './lookup.js';
