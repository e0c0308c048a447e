// Desk-phone provisioning (server/provisioning): enrolled devices, MACs seen but not enrolled, and
// the administrator's own versions of the built-in model-family templates.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export const provisioningDevices = sqliteTable(
  'provisioning_devices',
  {
    /** 12 lower-case hex digits, no separators */
    mac: text('mac').primaryKey(),
    /** yealink, poly, grandstream, fanvil */
    family: text('family').notNull(),
    model: text('model'),
    label: text('label'),
    /** the extension whose line the phone gets */
    extension: text('extension').notNull(),
    /**
     * the phone's own SIP password for the extension, sealed (AES-256-GCM under a key in the data
     * directory): a config carries it, so it must be recoverable, unlike a digest HA1
     */
    sipPasswordSealed: text('sip_password_sealed').notNull(),
    /** HTTP digest HA1s of the provisioning password (username = the MAC); the password is shown once */
    provisionHa1Md5: text('provision_ha1_md5').notNull(),
    provisionHa1Sha256: text('provision_ha1_sha256').notNull(),
    /** the token URL's secret, sealed: SIP PnP hands it to the phone */
    tokenSealed: text('token_sealed').notNull(),
    lastSeenAt: integer('last_seen_at'),
    lastSource: text('last_source'),
    lastUserAgent: text('last_user_agent'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('provisioning_devices_extension_idx').on(t.extension)],
);

export const provisioningPending = sqliteTable('provisioning_pending', {
  mac: text('mac').primaryKey(),
  /** the family its request or User-Agent suggested, when one did */
  family: text('family'),
  userAgent: text('user_agent'),
  source: text('source').notNull(),
  /** http or pnp */
  via: text('via').notNull(),
  requests: integer('requests').notNull(),
  firstSeenAt: integer('first_seen_at').notNull(),
  lastSeenAt: integer('last_seen_at').notNull(),
});

export const provisioningTemplates = sqliteTable('provisioning_templates', {
  /** family:file, e.g. yealink:device */
  id: text('id').primaryKey(),
  body: text('body').notNull(),
  updatedAt: integer('updated_at').notNull(),
});

export type ProvisioningDeviceRow = typeof provisioningDevices.$inferSelect;
export type ProvisioningPendingRow = typeof provisioningPending.$inferSelect;
export type ProvisioningTemplateRow = typeof provisioningTemplates.$inferSelect;
