// Single sign-on with an OpenID Connect provider (Keycloak, ADFS, Authing, Azure AD…): the
// authorization code flow with PKCE, state and nonce (RFC 6749 §4.1, RFC 7636, OIDC Core §3.1), the
// ID token checked by openid-client, the user's name and groups read from the ID token or userinfo,
// and its roles from the admin's group → role map. Sign-ins in progress live in memory, bounded.
import * as oidc from 'openid-client';
import type { DirectoryRoleMap } from '../config/directory.js';
import { userRoles, type UserRole } from './roles.js';
import { roleLists } from './ldap-directory.js';

export interface OidcOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUrl: string;
  readonly scopes: string;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
  readonly roleMap: DirectoryRoleMap;
  readonly now?: () => number;
}

/** what the provider said about the person who signed in */
export interface OidcIdentity {
  readonly username: string;
  readonly displayName: string | null;
  readonly groups: readonly string[];
  readonly roles: readonly UserRole[];
  /** RFC 8176 authentication methods the provider reports (e.g. mfa, otp, hwk) */
  readonly amr: readonly string[];
}

interface Pending {
  readonly verifier: string;
  readonly nonce: string;
  readonly returnTo: string;
  readonly expiresAt: number;
}

/** sign-ins started and not finished; beyond this the oldest are forgotten (a flood costs memory only up to here) */
const MAX_PENDING = 1000;
const PENDING_MS = 10 * 60_000;

export class OidcSignOn {
  readonly #o: OidcOptions;
  readonly #now: () => number;
  readonly #pending = new Map<string, Pending>();
  readonly #roles: Map<string, readonly UserRole[]>;
  #config: Promise<oidc.Configuration> | null = null;

  constructor(o: OidcOptions) {
    this.#o = o;
    this.#now = o.now ?? Date.now;
    this.#roles = new Map(Object.entries(roleLists(o.roleMap)).map(([g, r]) => [g.toLowerCase(), r]));
  }

  /** the settings an admin may see (no client secret) */
  settings(): { issuer: string; clientId: string; redirectUrl: string; scopes: string; usernameClaim: string; groupsClaim: string; roleMap: Record<string, readonly UserRole[]> } {
    const o = this.#o;
    return { issuer: o.issuer, clientId: o.clientId, redirectUrl: o.redirectUrl, scopes: o.scopes, usernameClaim: o.usernameClaim, groupsClaim: o.groupsClaim, roleMap: roleLists(o.roleMap) };
  }

  /** whether the provider answers discovery now, and where it sends users to sign in */
  async check(): Promise<{ readonly ok: true; readonly authorizationEndpoint: string } | { readonly ok: false; readonly detail: string }> {
    try {
      const endpoint = (await this.#discover()).serverMetadata().authorization_endpoint;
      return endpoint === undefined ? { ok: false, detail: 'the provider names no authorization_endpoint' } : { ok: true, authorizationEndpoint: endpoint };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  /** discovery once, retried after a failure (the provider may start after us) */
  #discover(): Promise<oidc.Configuration> {
    const insecure = this.#o.issuer.startsWith('http:'); // only a provider on this machine (config checks)
    this.#config ??= oidc.discovery(new URL(this.#o.issuer), this.#o.clientId, this.#o.clientSecret, undefined, insecure ? { execute: [oidc.allowInsecureRequests] } : undefined).catch((err: unknown) => {
      this.#config = null;
      throw err;
    });
    return this.#config;
  }

  /** the provider's authorization URL and the state that binds the browser to this sign-in */
  async start(returnTo: string): Promise<{ url: string; state: string }> {
    const config = await this.#discover();
    const now = this.#now();
    for (const [k, p] of this.#pending) if (p.expiresAt <= now || this.#pending.size >= MAX_PENDING) this.#pending.delete(k);
    const state = oidc.randomState();
    const verifier = oidc.randomPKCECodeVerifier();
    const nonce = oidc.randomNonce();
    this.#pending.set(state, { verifier, nonce, returnTo, expiresAt: now + PENDING_MS });
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.#o.redirectUrl,
      scope: this.#o.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state };
  }

  /**
   * The provider sent the browser back: `query` is the callback's query string, `state` the one the
   * browser's cookie holds. Throws with a reason a person can act on.
   */
  async finish(query: string, state: string): Promise<{ identity: OidcIdentity; returnTo: string }> {
    const pending = this.#pending.get(state);
    this.#pending.delete(state); // one use, whatever happens
    if (pending === undefined || pending.expiresAt <= this.#now()) throw new Error('this sign-in expired or was already used; start again');
    const config = await this.#discover();
    // the registered redirect URL, not the Host this request came in with (a proxy may rewrite it)
    const callback = new URL(this.#o.redirectUrl);
    callback.search = query;
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: pending.verifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true });
    const id = tokens.claims();
    if (id === undefined) throw new Error('the provider sent no ID token');
    // groups and names are often only in userinfo (OIDC Core §5.3), for the same subject
    const info = await oidc.fetchUserInfo(config, tokens.access_token, id.sub);
    const claim = (name: string): unknown => id[name] ?? info[name];
    const username = claim(this.#o.usernameClaim);
    if (typeof username !== 'string' || !/^[A-Za-z0-9._@-]{1,64}$/.test(username)) throw new Error(`the provider's ${this.#o.usernameClaim} claim is missing or not a user name`);
    const rawGroups = claim(this.#o.groupsClaim);
    const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : [];
    const roles = new Set(groups.flatMap((g) => this.#roles.get(g.toLowerCase()) ?? []));
    const name = claim('name');
    return {
      identity: {
        username,
        displayName: typeof name === 'string' ? name : null,
        groups,
        roles: userRoles.filter((r) => roles.has(r)),
        amr: Array.isArray(id.amr) ? id.amr.filter((a): a is string => typeof a === 'string') : [],
      },
      returnTo: pending.returnTo,
    };
  }
}

/** the provider the configuration names (server/config/directory.ts checked the keys go together) */
export function oidcSignOnOf(c: {
  readonly oidcIssuer?: string | undefined;
  readonly oidcClientId?: string | undefined;
  readonly oidcClientSecret?: string | undefined;
  readonly oidcRedirectUrl?: string | undefined;
  readonly oidcScopes: string;
  readonly oidcUsernameClaim: string;
  readonly oidcGroupsClaim: string;
  readonly oidcRoleMap?: DirectoryRoleMap | undefined;
}): OidcSignOn {
  if (c.oidcIssuer === undefined || c.oidcClientId === undefined || c.oidcClientSecret === undefined || c.oidcRedirectUrl === undefined || c.oidcRoleMap === undefined)
    throw new Error('oidcIssuer, oidcClientId, oidcClientSecret, oidcRedirectUrl and oidcRoleMap go together');
  return new OidcSignOn({
    issuer: c.oidcIssuer,
    clientId: c.oidcClientId,
    clientSecret: c.oidcClientSecret,
    redirectUrl: c.oidcRedirectUrl,
    scopes: c.oidcScopes,
    usernameClaim: c.oidcUsernameClaim,
    groupsClaim: c.oidcGroupsClaim,
    roleMap: c.oidcRoleMap,
  });
}
