// The directory (LDAP/AD, OIDC) and mail relay an admin configured (HAILING_LDAP_*, HAILING_OIDC_*,
// HAILING_SMTP_*): what the console shows of them, never a password or client secret, and the checks
// it runs against them.
import { z } from 'zod';
import { adminRoles } from '../store/index.js';

const RoleMap = z.record(z.string(), z.array(z.enum(adminRoles))).meta({ description: 'directory group → the roles it grants' });

export const LdapSettings = z.object({
  url: z.string(),
  serviceAccount: z.string().nullable().meta({ description: 'the bind DN searches run as; null: anonymous' }),
  userBase: z.string(),
  userFilter: z.string(),
  groupBase: z.string(),
  groupFilter: z.string(),
  startTls: z.boolean(),
  caFile: z.string().nullable(),
  roleMap: RoleMap,
});
export const OidcSettings = z.object({
  issuer: z.string(),
  clientId: z.string(),
  redirectUrl: z.string(),
  scopes: z.string(),
  usernameClaim: z.string(),
  groupsClaim: z.string(),
  roleMap: RoleMap,
});
export const DirectorySettings = z.object({
  ldap: LdapSettings.nullable().meta({ description: 'null: no LDAP/AD sign-in (HAILING_LDAP_URL unset)' }),
  oidc: OidcSettings.nullable().meta({ description: 'null: no single sign-on (HAILING_OIDC_ISSUER unset)' }),
});

export const DirectoryLookupRequest = z.strictObject({ username: z.string().trim().min(1).max(256) });
export const DirectoryLookupResult = z.object({
  found: z.boolean(),
  reason: z.enum(['not-found', 'ambiguous', 'unavailable']).optional(),
  detail: z.string().optional().meta({ description: 'why the directory could not be asked' }),
  dn: z.string().optional(),
  displayName: z.string().nullable().optional(),
  groups: z.array(z.string()).optional(),
  roles: z.array(z.enum(adminRoles)).optional().meta({ description: 'empty: the user could not sign in (no group maps to a role)' }),
});
export const OidcCheckResult = z.object({ ok: z.boolean(), authorizationEndpoint: z.string().optional(), detail: z.string().optional() });

export const MailSettings = z.object({
  smtp: z
    .object({ host: z.string(), port: z.number().int(), tls: z.enum(['starttls', 'implicit', 'none']), from: z.string(), user: z.string().nullable() })
    .nullable()
    .meta({ description: 'null: no relay (HAILING_SMTP_HOST unset); voicemail e-mail is off' }),
  queue: z
    .object({
      pending: z.number().int().meta({ description: 'voicemail e-mails the relay did not take yet, waiting for their next try (HAILING_SMTP_RETRY_S)' }),
      failed: z.number().int().meta({ description: 'voicemail e-mails refused at every try (each is in the audit log as voicemail.mail-failed)' }),
    })
    .nullable()
    .meta({ description: 'null: no relay' }),
});
export const MailTestRequest = z.strictObject({ to: z.email({ error: 'an e-mail address' }) });
export const MailTestResult = z.object({ ok: z.boolean(), response: z.string().optional().meta({ description: 'the relay\'s answer' }), detail: z.string().optional() });
