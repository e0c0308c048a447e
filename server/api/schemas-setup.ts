// /api/v1/setup: the first-run setup screen's requests and answers.
import { z } from 'zod';

export const SetupState = z.object({
  completed: z.boolean().meta({ description: 'completed or dismissed: the console no longer opens the setup screen after sign-in' }),
  completedAt: z.iso.datetime().nullable(),
  completedBy: z.string().nullable(),
  outcome: z.enum(['completed', 'dismissed']).nullable().meta({ description: 'how the setup ended; null while it is pending' }),
  sipDomain: z.string().meta({ description: 'the SIP domain and digest realm phones register to' }),
  publicAddress: z.string().meta({ description: 'the address phones and carriers reach Hailing at (SDP, Via, Contact)' }),
  listening: z.array(z.object({ protocol: z.string(), port: z.number().int() })),
  settings: z.array(z.object({ name: z.string(), value: z.string(), description: z.string() })).meta({ description: 'where each value comes from: the environment variable (or HAILING_CONFIG key) to change it, read at start' }),
  extensions: z.number().int().meta({ description: 'extensions that exist now' }),
});
export const Reachability = z.object({
  reached: z.boolean(),
  target: z.string().meta({ description: 'where the OPTIONS was sent: the public address and the UDP SIP port' }),
  status: z.number().int().nullable().meta({ description: 'the final response; null when none came' }),
  rttMs: z.number().nullable(),
  reason: z.string().meta({ description: 'reached, or what stood in the way' }),
  warnings: z.array(z.string()).meta({ description: 'advice even when reached: a loopback or private address phones elsewhere cannot use' }),
});
export const SetupExtensions = z.strictObject({
  start: z.string().regex(/^[0-9]{2,15}$/, 'the starting number is 2 to 15 digits').meta({ description: 'the first extension number; the next ones count up from it' }),
  count: z.number().int().min(1, 'create at least 1 extension').max(50, 'at most 50 extensions at once'),
});
export const CreatedExtensions = z.object({
  items: z.array(z.object({ number: z.string(), password: z.string().meta({ description: 'generated; shown only in this answer (stored as digest hashes alone)' }) })),
});
export const SetupComplete = z.strictObject({ outcome: z.enum(['completed', 'dismissed']).default('completed') });
