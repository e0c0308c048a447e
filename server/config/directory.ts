// Directory sign-in settings, LDAP / Active Directory and OpenID Connect: flat keys, so each has its
// HAILING_LDAP_* / HAILING_OIDC_* environment variable. Unset ldapUrl and oidcIssuer: local accounts only.
import { z } from 'zod';
import { userRoles, type UserRole } from '../users/roles.js';

const roleList = z.union([z.enum(userRoles), z.array(z.enum(userRoles)).min(1)]);

/** a JSON object of group → role(s), from the environment (text) or the config file (an object) */
const roleMap = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .transform((v, ctx) => {
    if (typeof v !== 'string') return v;
    try {
      return JSON.parse(v) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of group → role(s)' });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().min(1), roleList));

export const directoryFields = {
  /** ldap:// or ldaps:// of the directory; unset: no directory sign-in */
  ldapUrl: z.url({ protocol: /^ldaps?$/, error: 'must be an ldap:// or ldaps:// URL' }).optional(),
  /** the service account that looks users up (AD does not allow anonymous search); unset: anonymous */
  ldapBindDn: z.string().min(1).optional(),
  ldapBindPassword: z.string().min(1).optional(),
  /** where users are searched (subtree) */
  ldapUserBase: z.string().min(1).optional(),
  /** `{username}` is replaced by the escaped sign-in name; AD: (sAMAccountName={username}) */
  ldapUserFilter: z.string().includes('{username}', { error: 'must contain {username}' }).default('(uid={username})'),
  /** where groups are searched; default ldapUserBase */
  ldapGroupBase: z.string().min(1).optional(),
  /** `{dn}` is the user's DN and `{username}` its name, escaped; posixGroup: (memberUid={username}) */
  ldapGroupFilter: z.string().default('(member={dn})'),
  /** JSON: group DN or group cn → a role or roles, e.g. {"cn=agents,ou=groups,dc=example,dc=com":"agent"} */
  ldapRoleMap: roleMap.optional(),
  /** PEM file of the CA that issued the directory's certificate (ldaps:// or StartTLS) */
  ldapCaFile: z.string().min(1).optional(),
  /** StartTLS (RFC 4511 §4.14) on an ldap:// URL */
  ldapStartTls: z.union([z.boolean(), z.stringbool()], { error: 'must be true or false' }).default(false),
  /** OpenID Connect provider (its issuer URL, discovered at /.well-known/openid-configuration); unset: no SSO */
  oidcIssuer: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  oidcClientId: z.string().min(1).optional(),
  oidcClientSecret: z.string().min(1).optional(),
  /** this server's callback as registered at the provider: https://<console>/api/v1/auth/oidc/callback */
  oidcRedirectUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  oidcScopes: z.string().min(1).default('openid profile groups'),
  /** the claim (ID token or userinfo) with the user's name, and the one with its groups */
  oidcUsernameClaim: z.string().min(1).default('preferred_username'),
  oidcGroupsClaim: z.string().min(1).default('groups'),
  /** JSON: group name → a role or roles */
  oidcRoleMap: roleMap.optional(),
};

export type DirectoryRoleMap = Readonly<Record<string, UserRole | readonly UserRole[]>>;

/** the cross-field rules: a directory needs a user base and a role map, a bind DN its password */
export function checkDirectory(
  c: {
    ldapUrl?: string | undefined;
    ldapUserBase?: string | undefined;
    ldapRoleMap?: unknown;
    ldapBindDn?: string | undefined;
    ldapBindPassword?: string | undefined;
    oidcIssuer?: string | undefined;
    oidcClientId?: string | undefined;
    oidcClientSecret?: string | undefined;
    oidcRedirectUrl?: string | undefined;
    oidcRoleMap?: unknown;
  },
  issue: (path: string, message: string) => void,
): void {
  if (c.ldapUrl !== undefined) {
    if (c.ldapUserBase === undefined) issue('ldapUserBase', 'is needed with ldapUrl');
    if (c.ldapRoleMap === undefined) issue('ldapRoleMap', 'is needed with ldapUrl: directory users get their roles from their groups');
    if ((c.ldapBindDn === undefined) !== (c.ldapBindPassword === undefined)) issue('ldapBindDn', 'ldapBindDn and ldapBindPassword go together');
  }
  if (c.oidcIssuer !== undefined) {
    for (const key of ['oidcClientId', 'oidcClientSecret', 'oidcRedirectUrl', 'oidcRoleMap'] as const) if (c[key] === undefined) issue(key, 'is needed with oidcIssuer');
    // plain HTTP only to a provider on this machine (tests, a local IdP): tokens must not cross a network in the clear
    const host = new URL(c.oidcIssuer).hostname;
    if (c.oidcIssuer.startsWith('http:') && !/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) issue('oidcIssuer', 'must be https:// unless the provider is on this machine');
  }
}
