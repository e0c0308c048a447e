// Single sign-on with OpenID Connect against a real provider (oidc-provider, started here on
// loopback with its development login and consent forms): the browser's whole round trip is
// driven with fetch and a cookie jar, as a browser follows redirects and submits forms. The user is
// made from the provider's groups, signed in with a session cookie, and sent back to the page it
// came from; a callback from another browser, a user without a mapped group, a local account's name
// and an open redirect are each refused with the reason on the console's URL.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { allocatePorts, ADMIN, startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';

const GROUPS: Record<string, string[]> = { alice: ['cc-agents'], bob: ['cc-leads', 'staff'], carol: ['staff'], [ADMIN.username]: ['cc-agents'] };

/** a browser: cookies per origin (path-blind, enough here), redirects followed by hand */
class Browser {
  readonly #jar = new Map<string, Map<string, string>>();
  cookie(origin: string, name: string): string | undefined {
    return this.#jar.get(origin)?.get(name);
  }
  async get(url: string, init: RequestInit = {}): Promise<Response> {
    const u = new URL(url);
    const jar = this.#jar.get(u.origin) ?? new Map<string, string>();
    this.#jar.set(u.origin, jar);
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const r = await fetch(u, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } });
    for (const c of r.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const [k, v = ''] = pair!.split('=');
      if (attrs.some((a) => /max-age=0/i.test(a.trim())) || v === '') jar.delete(k!.trim());
      else jar.set(k!.trim(), v);
    }
    return r;
  }
  /** the callback's answer: where Hailing sends the browser next */
  async follow(callback: URL): Promise<URL> {
    const r = await this.get(callback.href);
    assert.equal(r.status, 302, `the callback redirects: ${r.status}`);
    return new URL(r.headers.get('location')!, callback);
  }
  /** follows redirects and submits the provider's forms (login as `user`, then consent) until the URL leaves `provider`: the callback */
  async signInAt(start: string, provider: string, user: string): Promise<URL> {
    let r = await this.get(start);
    for (let hops = 0; hops < 20; hops++) {
      const location = r.headers.get('location');
      if (location !== null) {
        const next = new URL(location, r.url || start);
        if (next.origin !== provider) return next;
        r = await this.get(next.href);
        continue;
      }
      const html = await r.text();
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      assert.ok(action, `a form from the provider: ${r.status} ${html.slice(0, 200)}`);
      const fields = [...html.matchAll(/<input([^>]*)>/g)].map((m) => [/name="([^"]*)"/.exec(m[1]!)?.[1], /value="([^"]*)"/.exec(m[1]!)?.[1] ?? ''] as const).filter(([k]) => k !== undefined);
      const body = new URLSearchParams(fields.map(([k, v]): [string, string] => [k!, k === 'login' ? user : k === 'password' ? 'any' : v]));
      r = await this.get(new URL(action, provider).href, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    }
    throw new Error('too many redirects');
  }
}

describe('single sign-on (OpenID Connect) against a local provider', () => {
  let hailing: HailingProcess;
  let idp: Server;
  let issuer: string;

  before(async () => {
    const ports = await allocatePorts();
    const idpPort = await freePort();
    issuer = `http://127.0.0.1:${idpPort}`;
    const redirect = `http://127.0.0.1:${ports.http}/api/v1/auth/oidc/callback`;
    const provider = new Provider(issuer, {
      clients: [{ client_id: 'hailing', client_secret: 'hailing-client-secret', redirect_uris: [redirect], grant_types: ['authorization_code'], response_types: ['code'] }],
      findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: `sub-${id}`, preferred_username: id, name: `${id} from the IdP`, groups: GROUPS[id] ?? [] }) }),
      claims: { openid: ['sub'], profile: ['preferred_username', 'name'], groups: ['groups'] },
      scopes: ['openid', 'profile', 'groups'],
    });
    idp = provider.listen(idpPort, '127.0.0.1');
    hailing = await startHailing({
      ports,
      env: {
        HAILING_OIDC_ISSUER: issuer,
        HAILING_OIDC_CLIENT_ID: 'hailing',
        HAILING_OIDC_CLIENT_SECRET: 'hailing-client-secret',
        HAILING_OIDC_REDIRECT_URL: redirect,
        HAILING_OIDC_ROLE_MAP: JSON.stringify({ 'cc-agents': 'agent', 'CC-Leads': ['supervisor'] }),
      },
    });
  });
  after(async () => {
    await hailing?.kill('SIGKILL');
    idp?.close();
  });

  const sessionOf = async (browser: Browser) => {
    const r = await browser.get(`${hailing.baseUrl}/api/v1/auth/session`);
    return { status: r.status, body: (await r.json()) as { username?: string; roles?: string[] } };
  };

  it('the sign-in page learns that SSO is on', async () => {
    const r = await fetch(`${hailing.baseUrl}/api/v1/auth/oidc`);
    assert.deepEqual(await r.json(), { enabled: true });
  });

  it('the directory settings show the provider without its client secret; the check reaches its discovery document (audited)', async () => {
    const settings = await hailing.api<{ ldap: unknown; oidc: { issuer: string; clientId: string; roleMap: Record<string, string[]> } }>('GET', '/api/v1/directory');
    assert.equal(settings.status, 200);
    assert.equal(settings.body.ldap, null);
    assert.deepEqual([settings.body.oidc.issuer, settings.body.oidc.clientId, settings.body.oidc.roleMap], [issuer, 'hailing', { 'cc-agents': ['agent'], 'CC-Leads': ['supervisor'] }]);
    assert.ok(!JSON.stringify(settings.body).includes('hailing-client-secret'), 'no client secret');
    const check = await hailing.api<{ ok: boolean; authorizationEndpoint: string }>('POST', '/api/v1/directory/oidc-check');
    assert.equal(check.status, 200, JSON.stringify(check.body));
    assert.equal(check.body.ok, true, JSON.stringify(check.body));
    assert.ok(check.body.authorizationEndpoint.startsWith(issuer), check.body.authorizationEndpoint);
    const audit = await hailing.api<{ items: { action: string }[] }>('GET', '/api/v1/audit?action=directory.oidc-check');
    assert.equal(audit.body.items.length, 1);
  });

  it('a person signs in at the provider and lands back on the console page signed in, with the roles of its groups', async () => {
    const browser = new Browser();
    const back = await browser.follow(await browser.signInAt(`${hailing.baseUrl}/api/v1/auth/oidc/start?return=${encodeURIComponent('/calls?day=today')}`, issuer, 'bob'));
    assert.equal(back.origin, new URL(hailing.baseUrl).origin);
    assert.equal(back.pathname + back.search, '/calls?day=today');
    const s = await sessionOf(browser);
    assert.equal(s.status, 200);
    assert.deepEqual({ username: s.body.username, roles: s.body.roles }, { username: 'bob', roles: ['supervisor'] });
    const users = await hailing.api<{ items: { username: string; directory: string | null; displayName: string | null }[] }>('GET', '/api/v1/users');
    const bob = users.body.items.find((u) => u.username === 'bob');
    assert.deepEqual(bob && { directory: bob.directory, displayName: bob.displayName }, { directory: 'oidc', displayName: 'bob from the IdP' });
  });

  it("a callback that comes back to another browser than the one that started is refused (login CSRF)", async () => {
    const victim = new Browser();
    const attacker = new Browser();
    // the attacker signs in and does not follow the final redirect: it hands the URL to the victim
    const callback = await attacker.signInAt(`${hailing.baseUrl}/api/v1/auth/oidc/start`, issuer, 'alice');
    const r = await victim.get(callback.href);
    assert.equal(r.status, 302);
    assert.match(decodeURIComponent(r.headers.get('location') ?? ''), /ssoError=this sign-in was not started in this browser/);
    assert.equal((await sessionOf(victim)).status, 401);
  });

  it('a person whose groups map to no role is sent back with the reason, and no user is made', async () => {
    const browser = new Browser();
    const back = await browser.follow(await browser.signInAt(`${hailing.baseUrl}/api/v1/auth/oidc/start`, issuer, 'carol'));
    assert.match(back.searchParams.get('ssoError') ?? '', /none of your directory groups is mapped/);
    assert.equal((await sessionOf(browser)).status, 401);
    const users = await hailing.api<{ items: { username: string }[] }>('GET', '/api/v1/users');
    assert.ok(!users.body.items.some((u) => u.username === 'carol'));
  });

  it("the provider cannot sign in as a local account of the same name", async () => {
    const browser = new Browser();
    const back = await browser.follow(await browser.signInAt(`${hailing.baseUrl}/api/v1/auth/oidc/start`, issuer, ADMIN.username));
    assert.match(back.searchParams.get('ssoError') ?? '', /is a local one/);
    assert.equal((await sessionOf(browser)).status, 401);
  });

  it('the return path cannot lead to another site', async () => {
    const browser = new Browser();
    const back = await browser.follow(await browser.signInAt(`${hailing.baseUrl}/api/v1/auth/oidc/start?return=${encodeURIComponent('//evil.example/x')}`, issuer, 'alice'));
    assert.equal(back.origin, new URL(hailing.baseUrl).origin);
    assert.equal(back.pathname, '/');
    assert.equal((await sessionOf(browser)).body.username, 'alice');
  });
});
