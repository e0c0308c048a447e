// Trunks, DIDs and outbound routes as the API shows them; the write schemas are the trunk layer's
// own (server/trunks/model.ts). A trunk view never carries the carrier secret, only hasSecret.
import { z } from 'zod';
import { CallerIdSettings, Codec, ProxySettings, RoutePattern, RoutePermission, TlsSettings, Transport } from '../trunks/model.js';
export { DidWrite, RouteWrite, TrunkWrite } from '../trunks/model.js';

export const IdParams = z.object({ id: z.coerce.number().int().min(1) });

const Registration = z.object({
  state: z.enum(['stopped', 'registering', 'registered', 'failed']),
  expiresAt: z.iso.datetime().nullable(),
  lastStatus: z.number().int().nullable(),
  failures: z.number().int(),
  target: z.string().nullable(),
});

export const TrunkLiveStatus = z.object({
  id: z.number().int(),
  name: z.string(),
  up: z.boolean().nullable().meta({ description: 'from OPTIONS health checks; null: not checked yet or no checks' }),
  registered: z.boolean(),
  registration: Registration.nullable(),
  lastOptionsRttMs: z.number().nullable(),
  lastOptionsAt: z.iso.datetime().nullable(),
  callsInProgress: z.number().int(),
  maxCalls: z.number().int(),
});

export const TrunkView = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.enum(['register', 'ip']),
  host: z.string(),
  port: z.number().int().optional(),
  transport: Transport.optional(),
  tls: TlsSettings,
  outboundProxy: ProxySettings.nullable(),
  username: z.string().nullable(),
  authUsername: z.string().nullable(),
  domain: z.string().nullable(),
  registerExpiresS: z.number().int(),
  codecs: z.array(Codec),
  numberFormat: z.enum(['as-routed', 'e164', 'e164-digits']),
  callerId: CallerIdSettings,
  maxCalls: z.number().int(),
  optionsIntervalS: z.number().int(),
  setupTimeoutMs: z.number().int(),
  addresses: z.array(z.string()),
  enabled: z.boolean(),
  hasSecret: z.boolean(),
  status: TrunkLiveStatus.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const TrunkList = z.object({ items: z.array(TrunkView), unknownDidCalls: z.number().int().meta({ description: 'INVITEs from carriers for numbers no DID holds, since start' }) });

export const DidView = z.object({
  id: z.number().int(),
  number: z.string(),
  last: z.string(),
  trunkId: z.number().int().nullable(),
  steps: z.array(z.record(z.string(), z.unknown())),
  description: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const DidList = z.object({ items: z.array(DidView) });

export const RouteView = z.object({
  id: z.number().int(),
  name: z.string(),
  patterns: z.array(RoutePattern),
  trunks: z.array(z.number().int()),
  permission: RoutePermission,
  failoverOn6xx: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const RouteList = z.object({ items: z.array(RouteView) });

export const TrunkAttempt = z.object({
  seq: z.number().int(),
  routeId: z.number().int().nullable(),
  trunkId: z.number().int().nullable(),
  trunkName: z.string(),
  target: z.string().nullable(),
  number: z.string(),
  status: z.number().int().nullable(),
  outcome: z.string().meta({ description: 'answered, failover, failed, skipped-down, skipped-full, skipped-disabled, no-targets' }),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
});
export const TrunkAttemptList = z.object({ items: z.array(TrunkAttempt) });
