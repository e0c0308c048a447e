// Sign-in against LDAP / Active Directory: find the user with the service account, prove the
// password by binding as the user, and take its roles from its groups through the admin's role map.
// The directory stays the source of truth: roles are read at every sign-in, so removing someone
// from a group takes effect at their next one.
import { readFileSync } from 'node:fs';
import { Client, InvalidCredentialsError } from 'ldapts';
import type { DirectoryRoleMap } from '../config/directory.js';
import type { UserRole } from './roles.js';

export interface LdapOptions {
  readonly url: string;
  readonly bindDn?: string | undefined;
  readonly bindPassword?: string | undefined;
  readonly userBase: string;
  readonly userFilter: string;
  readonly groupBase?: string | undefined;
  readonly groupFilter: string;
  readonly roleMap: DirectoryRoleMap;
  readonly caFile?: string | undefined;
  readonly startTls?: boolean;
  /** per operation and for the connection (default 5 s) */
  readonly timeoutMs?: number;
}

export interface DirectoryUser {
  readonly dn: string;
  readonly displayName: string | null;
  /** the DNs of the groups the user is in */
  readonly groups: readonly string[];
  /** the union of the roles its groups map to, in the order of userRoles */
  readonly roles: readonly UserRole[];
}

export type DirectoryVerdict =
  | { readonly ok: true; readonly user: DirectoryUser }
  /** unknown user or wrong password: counted as a failed sign-in */
  | { readonly ok: false; readonly reason: 'invalid-credentials' }
  /** the password was right, but no group of the user maps to a role */
  | { readonly ok: false; readonly reason: 'no-role'; readonly groups: readonly string[] }
  /** the directory could not be asked (down, TLS, the service account refused): not the user's fault */
  | { readonly ok: false; readonly reason: 'unavailable'; readonly detail: string };

/** what the service account finds for a name (the console's "look up a user"): no password involved */
export type DirectoryLookup =
  | { readonly found: true; readonly dn: string; readonly displayName: string | null; readonly groups: readonly string[]; readonly roles: readonly UserRole[] }
  | { readonly found: false; readonly reason: 'not-found' | 'ambiguous' }
  | { readonly found: false; readonly reason: 'unavailable'; readonly detail: string };

/** the settings an admin may see (no password) */
export interface LdapSettingsView {
  readonly url: string;
  readonly serviceAccount: string | null;
  readonly userBase: string;
  readonly userFilter: string;
  readonly groupBase: string;
  readonly groupFilter: string;
  readonly startTls: boolean;
  readonly caFile: string | null;
  readonly roleMap: Readonly<Record<string, readonly UserRole[]>>;
}

/** a role map with every group's roles as a list (the configuration allows one role as a string) */
export function roleLists(map: DirectoryRoleMap): Record<string, readonly UserRole[]> {
  return Object.fromEntries(Object.entries(map).map(([group, roles]) => [group, typeof roles === 'string' ? [roles as UserRole] : (roles as readonly UserRole[])]));
}

/** RFC 4515 §3: the characters a value in a search filter must escape */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** DNs compare without case and without the spaces after separators (RFC 4514 readers differ there) */
const dnKey = (dn: string): string => dn.replace(/\s*([,=+])\s*/g, '$1').toLowerCase();
const cnOf = (dn: string): string | null => /^cn=([^,]+)/i.exec(dn)?.[1]?.trim().toLowerCase() ?? null;

export class LdapDirectory {
  readonly #o: LdapOptions;
  readonly #ca: Buffer | undefined;
  readonly #roles: Map<string, readonly UserRole[]>;

  constructor(o: LdapOptions) {
    this.#o = o;
    this.#ca = o.caFile === undefined ? undefined : readFileSync(o.caFile);
    this.#roles = new Map(Object.entries(roleLists(o.roleMap)).map(([group, roles]) => [dnKey(group), roles]));
  }

  #client(): Client {
    const timeout = this.#o.timeoutMs ?? 5000;
    return new Client({ url: this.#o.url, timeout, connectTimeout: timeout, ...(this.#ca ? { tlsOptions: { ca: this.#ca } } : {}) });
  }

  async #open(): Promise<Client> {
    const client = this.#client();
    if (this.#o.startTls) await client.startTLS(this.#ca ? { ca: this.#ca } : {});
    return client;
  }

  async authenticate(username: string, password: string): Promise<DirectoryVerdict> {
    // RFC 4513 §5.1.2: a simple bind with a name and no password is an *unauthenticated* bind,
    // which many servers accept: an empty password must never reach the directory.
    if (password === '' || username === '') return { ok: false, reason: 'invalid-credentials' };
    let service: Client | undefined;
    try {
      service = await this.#service();
      const entry = await this.#find(service, username);
      // none, or an ambiguous name: nobody signs in as "whichever came first"
      if (typeof entry === 'string') return { ok: false, reason: 'invalid-credentials' };
      if (!(await this.#passwordHolds(entry.dn, password))) return { ok: false, reason: 'invalid-credentials' };
      const user = await this.#withGroups(service, entry, username);
      if (user.roles.length === 0) return { ok: false, reason: 'no-role', groups: user.groups };
      return { ok: true, user };
    } catch (err) {
      return { ok: false, reason: 'unavailable', detail: err instanceof Error ? err.message : String(err) };
    } finally {
      await service?.unbind().catch(() => undefined);
    }
  }

  /** the entry, groups and roles the service account finds for `username`, without its password */
  async lookup(username: string): Promise<DirectoryLookup> {
    let service: Client | undefined;
    try {
      service = await this.#service();
      const entry = await this.#find(service, username);
      if (typeof entry === 'string') return { found: false, reason: entry };
      return { found: true, ...(await this.#withGroups(service, entry, username)) };
    } catch (err) {
      return { found: false, reason: 'unavailable', detail: err instanceof Error ? err.message : String(err) };
    } finally {
      await service?.unbind().catch(() => undefined);
    }
  }

  settings(): LdapSettingsView {
    const o = this.#o;
    return {
      url: o.url,
      serviceAccount: o.bindDn ?? null,
      userBase: o.userBase,
      userFilter: o.userFilter,
      groupBase: o.groupBase ?? o.userBase,
      groupFilter: o.groupFilter,
      startTls: o.startTls === true,
      caFile: o.caFile ?? null,
      roleMap: roleLists(o.roleMap),
    };
  }

  async #service(): Promise<Client> {
    const service = await this.#open();
    if (this.#o.bindDn !== undefined) await service.bind(this.#o.bindDn, this.#o.bindPassword ?? '');
    return service;
  }

  async #find(service: Client, username: string): Promise<{ dn: string; [attribute: string]: unknown } | 'not-found' | 'ambiguous'> {
    if (username === '') return 'not-found';
    const found = await service.search(this.#o.userBase, {
      scope: 'sub',
      filter: this.#o.userFilter.replaceAll('{username}', escapeFilterValue(username)),
      attributes: ['cn', 'displayName'],
      sizeLimit: 2,
    });
    const [entry, second] = found.searchEntries;
    return entry === undefined ? 'not-found' : second !== undefined ? 'ambiguous' : entry;
  }

  async #withGroups(service: Client, entry: { dn: string; [attribute: string]: unknown }, username: string): Promise<DirectoryUser> {
    const groups = await service.search(this.#o.groupBase ?? this.#o.userBase, {
      scope: 'sub',
      filter: this.#o.groupFilter.replaceAll('{dn}', escapeFilterValue(entry.dn)).replaceAll('{username}', escapeFilterValue(username)),
      attributes: ['cn'],
    });
    const groupDns = groups.searchEntries.map((g) => g.dn);
    const display = entry['displayName'] ?? entry['cn'];
    return { dn: entry.dn, displayName: typeof display === 'string' ? display : null, groups: groupDns, roles: this.#rolesOf(groupDns) };
  }

  /** binds as the user on its own connection; the service account's stays for the group search */
  async #passwordHolds(dn: string, password: string): Promise<boolean> {
    const own = await this.#open();
    try {
      await own.bind(dn, password);
      return true;
    } catch (err) {
      if (err instanceof InvalidCredentialsError) return false;
      throw err;
    } finally {
      await own.unbind().catch(() => undefined);
    }
  }

  #rolesOf(groupDns: readonly string[]): UserRole[] {
    const out = new Set<UserRole>();
    for (const dn of groupDns) {
      const cn = cnOf(dn);
      for (const r of this.#roles.get(dnKey(dn)) ?? (cn === null ? [] : (this.#roles.get(cn) ?? []))) out.add(r);
    }
    return [...out];
  }
}

/** the directory the configuration names (server/config/directory.ts checked the keys go together) */
export function ldapDirectoryOf(c: {
  readonly ldapUrl?: string | undefined;
  readonly ldapBindDn?: string | undefined;
  readonly ldapBindPassword?: string | undefined;
  readonly ldapUserBase?: string | undefined;
  readonly ldapUserFilter: string;
  readonly ldapGroupBase?: string | undefined;
  readonly ldapGroupFilter: string;
  readonly ldapRoleMap?: DirectoryRoleMap | undefined;
  readonly ldapCaFile?: string | undefined;
  readonly ldapStartTls: boolean;
}): LdapDirectory {
  if (c.ldapUrl === undefined || c.ldapUserBase === undefined || c.ldapRoleMap === undefined) throw new Error('ldapUrl, ldapUserBase and ldapRoleMap go together');
  return new LdapDirectory({
    url: c.ldapUrl,
    bindDn: c.ldapBindDn,
    bindPassword: c.ldapBindPassword,
    userBase: c.ldapUserBase,
    userFilter: c.ldapUserFilter,
    groupBase: c.ldapGroupBase,
    groupFilter: c.ldapGroupFilter,
    roleMap: c.ldapRoleMap,
    caFile: c.ldapCaFile,
    startTls: c.ldapStartTls,
  });
}
