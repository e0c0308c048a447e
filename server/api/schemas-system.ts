// The audit log and system status shapes (console screens "Audit log" and "System").
import { z } from 'zod';

const QueryTime = z.iso
  .datetime({ offset: true })
  .transform((t) => Date.parse(t))
  .meta({ description: 'ISO 8601 date-time with Z or an offset' });

export const AuditQuery = z.object({
  actor: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(64).optional(),
  target: z.string().min(1).max(256).optional(),
  from: QueryTime.optional(),
  to: QueryTime.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const AuditEntry = z.object({
  id: z.number().int(),
  at: z.iso.datetime(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  source: z.string().nullable(),
  detail: z.unknown(),
});
export const AuditList = z.object({
  items: z.array(AuditEntry),
  limit: z.number().int(),
  offset: z.number().int(),
  more: z.boolean().meta({ description: 'entries beyond this page exist' }),
});

export const SystemStatus = z.object({
  version: z.string(),
  node: z.string().meta({ description: 'the Node.js version' }),
  startedAt: z.iso.datetime(),
  uptimeS: z.number(),
  sipDomain: z.string(),
  publicAddress: z.string(),
  listening: z
    .array(z.object({ transport: z.string(), address: z.string(), port: z.number().int() }))
    .meta({ description: 'SIP listening points and the HTTP port (transport http)' }),
  mediaWorkers: z.number().int(),
  rtpPorts: z.object({ min: z.number().int(), max: z.number().int() }),
  registrations: z.number().int(),
  activeCalls: z.number().int(),
  metrics: z
    .array(z.object({ name: z.string(), help: z.string(), value: z.number() }))
    .meta({ description: 'each hailing_* Prometheus series, summed over its labels (histograms: their count)' }),
});
