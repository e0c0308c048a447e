// Location-service bindings (RFC 3261 §10.3), persisted so registrations survive a restart.
import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const registrationBindings = sqliteTable(
  'registration_bindings',
  {
    aor: text('aor').notNull(),
    contact: text('contact').notNull(),
    q: real('q').notNull(),
    expiresAt: integer('expires_at').notNull(),
    callId: text('call_id').notNull(),
    cseq: integer('cseq').notNull(),
    flowProtocol: text('flow_protocol').notNull(),
    flowLocalAddress: text('flow_local_address').notNull(),
    flowLocalPort: integer('flow_local_port').notNull(),
    flowRemoteAddress: text('flow_remote_address').notNull(),
    flowRemotePort: integer('flow_remote_port').notNull(),
    flowConnectionId: text('flow_connection_id'),
    sourceAddress: text('source_address').notNull(),
    sourcePort: integer('source_port').notNull(),
    userAgent: text('user_agent'),
    instanceId: text('instance_id'),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.aor, t.contact] }), index('registration_bindings_expires_idx').on(t.expiresAt)],
);

export type RegistrationBindingRow = typeof registrationBindings.$inferSelect;
