// The business calendar routes in the OpenAPI route table (openapi.ts), beside their schemas.
import * as s from './schemas.js';
import * as k from './schemas-calendars.js';
import type { ApiRouteSpec, ResponseSpec } from './openapi.js';

const err = (description: string): ResponseSpec => ({ description, schema: s.ErrorBody });
const invalid: ResponseSpec = { description: 'Validation failed or malformed JSON: each issue names its place (weekly.mon.1, days.3.date, timeZone)', schema: s.ValidationErrorBody };
const unauthorized = err('Missing, invalid or expired session');
const forbidden = err('Role may not change calendars');
const missing = err('No such calendar');
const tag = 'calendars';
const params = k.CalendarParams;

export const CALENDAR_ROUTES: readonly ApiRouteSpec[] = [
  { method: 'get', path: '/api/v1/calendars', summary: 'Business calendars', tag, auth: true, responses: { 200: { description: 'Calendars', schema: k.CalendarList }, 401: unauthorized } },
  {
    method: 'post',
    path: '/api/v1/calendars',
    summary: 'Add a calendar: time zone, weekly hours with breaks, holidays and working-day overrides',
    tag,
    auth: true,
    body: k.CalendarWrite,
    responses: { 201: { description: 'Created', schema: k.Calendar }, 400: invalid, 401: unauthorized, 403: forbidden, 409: err('The name is taken') },
  },
  { method: 'get', path: '/api/v1/calendars/{id}', summary: 'One calendar', tag, auth: true, params, responses: { 200: { description: 'The calendar', schema: k.Calendar }, 400: invalid, 401: unauthorized, 404: missing } },
  {
    method: 'put',
    path: '/api/v1/calendars/{id}',
    summary: 'Replace a calendar',
    tag,
    auth: true,
    params,
    body: k.CalendarWrite,
    responses: { 200: { description: 'Replaced', schema: k.Calendar }, 400: invalid, 401: unauthorized, 403: forbidden, 404: missing, 409: err('The name is taken') },
  },
  {
    method: 'delete',
    path: '/api/v1/calendars/{id}',
    summary: 'Delete a calendar no dial plan entry branches on',
    tag,
    auth: true,
    params,
    responses: { 204: { description: 'Deleted' }, 400: invalid, 401: unauthorized, 403: forbidden, 404: missing, 409: err('Dial plan entries branch on it (named in the reason)') },
  },
  {
    method: 'get',
    path: '/api/v1/calendars/{id}/at',
    summary: 'Open or closed at an instant, and why (the rule, the hours, the local time)',
    tag,
    auth: true,
    params,
    query: k.CalendarAtQuery,
    responses: { 200: { description: 'The decision', schema: k.CalendarDecision }, 400: invalid, 401: unauthorized, 404: missing },
  },
  {
    method: 'post',
    path: '/api/v1/calendars/{id}/import',
    summary: "Import a year's holidays and working days from a file (docs/calendars.md); replaces that year's rules, nothing else",
    tag,
    auth: true,
    params,
    body: k.YearFile,
    responses: { 200: { description: 'Imported', schema: k.ImportResult }, 400: invalid, 401: unauthorized, 403: forbidden, 404: missing },
  },
  {
    method: 'get',
    path: '/api/v1/calendars/{id}/export',
    summary: "A year's rules as an import file",
    tag,
    auth: true,
    params,
    query: k.ExportQuery,
    responses: { 200: { description: 'The file', schema: k.YearFile }, 400: invalid, 401: unauthorized, 404: missing },
  },
  {
    method: 'post',
    path: '/api/v1/calendars/{id}/copy-year',
    summary: "Copy one year's rules to the same dates of another (replacing its rules); for fixed-date holidays",
    tag,
    auth: true,
    params,
    body: k.CopyYear,
    responses: { 200: { description: 'Copied', schema: k.CopyYearResult }, 400: invalid, 401: unauthorized, 403: forbidden, 404: missing },
  },
];
