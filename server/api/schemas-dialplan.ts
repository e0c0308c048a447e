// The dial plan's request and response shapes; the destination schemas are the call layer's own
// (server/calls/dialplan/destinations.ts), so a new destination kind reaches the API unchanged.
import { z } from 'zod';
import { Destination } from '../calls/index.js';
import { callPermissions } from '../store/index.js';

const Permission = z
  .enum([...callPermissions, 'dialled'])
  .nullable()
  .meta({ description: "the class the caller needs; 'dialled': the class of the dialled number (the number profile's classification: local, national, mobile, international, emergency); null: anyone. Emergency is never refused" });

export const DialPlanEntryWrite = z.strictObject({
  position: z.number().int().min(0).max(1_000_000).optional().meta({ description: 'entries are tried in ascending position; default: after the last' }),
  pattern: z.string().min(1).max(64).meta({ description: "a number, or an Asterisk-style pattern: '_' then X (0-9), Z (1-9), N (2-9), [1-5], '.' (one or more), '!' (zero or more)" }),
  permission: Permission.default('internal'),
  steps: z.array(Destination).min(1).max(8).meta({ description: 'run in order; a step that fails (busy, no answer) falls through to the next' }),
  description: z.string().trim().max(200).nullable().optional(),
});

export const DialPlanEntry = z.object({
  id: z.number().int(),
  position: z.number().int(),
  pattern: z.string(),
  permission: z.string().nullable(),
  steps: z.array(Destination),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const DialPlanList = z.object({ items: z.array(DialPlanEntry) });
export const DialPlanParams = z.object({ id: z.coerce.number().int().min(1) });

export const DialPlanResolveQuery = z.object({
  from: z.string().regex(/^[0-9]{2,15}$/, 'from is an extension number'),
  to: z.string().regex(/^[0-9*#+]{1,32}$/, 'to is a dialled number (0-9 * # +)'),
  time: z.iso.datetime({ offset: true }).optional().meta({ description: 'resolve as at this instant (calendar branches), RFC 3339; default now' }),
});

export const DialPlanTraceLine = z.object({
  number: z.string(),
  entry: z.union([z.number(), z.string()]).nullable().meta({ description: "the table row's id, or the built-in default's name" }),
  pattern: z.string().nullable(),
  result: z.enum(['matched', 'not-applicable', 'forbidden', 'no-match', 'loop', 'too-many-redials', 'forwarded', 'forward-loop', 'branch']),
  reason: z.string().optional(),
  decision: z.record(z.string(), z.unknown()).optional().meta({ description: "'branch': the calendar's decision (calendar, open, reason, source, local time, rule)" }),
});

export const DialPlanResolution = z.object({
  from: z.string(),
  to: z.string(),
  steps: z.array(z.object({ destination: Destination, argument: z.string(), dialled: z.string() })),
  trace: z.array(DialPlanTraceLine),
  failure: z.object({ status: z.number().int(), cause: z.string() }).nullable().meta({ description: 'what the caller would be told before any step runs' }),
});

const Target = z.string().regex(/^[0-9]{2,15}$/, 'a forward target is 2 to 15 digits: an extension, or a number the extension may dial (a route out)').nullable().default(null);

/** An extension's call handling: do-not-disturb and forwarding. */
export const PickupGroup = z.strictObject({
  group: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, 'a group name is 1 to 32 letters, digits, - or _')
    .nullable()
    .meta({ description: 'the call pickup group: *8 picks up a call ringing at any other extension of it; null: none' }),
});

export const CallHandling = z.strictObject({
  dnd: z.boolean().default(false).meta({ description: 'callers get busy (486), or the busy forward target' }),
  forwardAlways: Target.meta({ description: 'every call goes there without ringing this extension' }),
  forwardBusy: Target.meta({ description: 'where a call goes when this extension is busy (486) or on DND' }),
  forwardNoAnswer: Target.meta({ description: 'where a call goes when this extension does not answer or has no registered phone' }),
  noAnswerS: z.number().int().min(1).max(600).nullable().default(null).meta({ description: 'seconds to ring before the no-answer forward; null: the server default' }),
});
