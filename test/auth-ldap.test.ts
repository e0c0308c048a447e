// Directory sign-in against a real OpenLDAP (Debian's slapd, started here): users found by the
// service account, their password proven by a bind as themselves, their roles taken from their
// groups at every sign-in; wrong passwords, empty passwords and filter injection fail like a wrong
// local password; a user with no mapped group, a directory that is down and a local account of the
// same name each get their own clear answer.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { Attribute, Change } from 'ldapts';
import { ADMIN, startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { BASE_LDIF, GROUPS, group, ldapEnv, PEOPLE, person, startSlapd, SUFFIX, type Slapd } from './helpers/slapd.js';

const LDIF = [
  ...BASE_LDIF,
  person('alice', 'Alice Agent', 'alice-pw'),
  person('bob', 'Bob Boss', 'bob-pw'),
  person('carol', 'Carol Contractor', 'carol-pw'),
  // a directory entry with the local admin's name: must never sign in as the local admin
  person(ADMIN.username, 'Not The Admin', 'directory-admin-pw'),
  group('cc-agents', ['alice', ADMIN.username]),
  // groupOfNames needs a member: the placeholder keeps the group when bob leaves it
  group('cc-supervisors', ['bob', 'placeholder']),
  group('contractors', ['carol']),
].join('\n');

interface LoginReply {
  token?: string;
  error?: string;
  reason?: string;
  mfaEnrolmentRequired?: boolean;
}

describe('directory sign-in (LDAP) against slapd', () => {
  let slapd: Slapd;
  let hailing: HailingProcess;
  // Each attempt comes from its own loopback address, and a back-off (429, counted per account
  // too) is waited out: the failures here are on purpose, and throttling has its own tests.
  let sourceHost = 10;
  const post = (body: string) =>
    new Promise<{ status: number; retryAfter: number; body: LoginReply }>((resolve, reject) => {
      const url = new URL('/api/v1/auth/login', hailing.baseUrl);
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', localAddress: `127.0.0.${sourceHost++}`, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 0), body: JSON.parse(text) as LoginReply }));
      });
      req.on('error', reject);
      req.end(body);
    });
  const login = async (username: string, password: string) => {
    for (let tries = 0; ; tries++) {
      const r = await post(JSON.stringify({ username, password }));
      if (r.status !== 429 || tries === 4) return r;
      await new Promise((done) => setTimeout(done, r.retryAfter * 1000));
    }
  };
  const session = async (token: string) => {
    const r = await fetch(`${hailing.baseUrl}/api/v1/auth/session`, { headers: { authorization: `Bearer ${token}` } });
    return (await r.json()) as { username: string; roles: string[] };
  };

  before(async () => {
    slapd = await startSlapd(LDIF);
    hailing = await startHailing({
      // one group by DN (with other spacing and case), one by its cn
      env: ldapEnv(slapd.url, { [`CN=cc-agents, OU=groups, ${SUFFIX}`]: 'agent', 'cc-supervisors': ['supervisor'] }),
    });
  });
  after(async () => {
    await hailing?.kill('SIGKILL');
    await slapd?.stop();
  });

  it('a directory user signs in with its directory password and gets the roles of its groups', async () => {
    const r = await login('alice', 'alice-pw');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const s = await session(r.body.token!);
    assert.equal(s.username, 'alice');
    assert.deepEqual(s.roles, ['agent']);
    const users = await hailing.api<{ items: { username: string; directory: string | null; displayName: string | null; roles: string[] }[] }>('GET', '/api/v1/users');
    const alice = users.body.items.find((u) => u.username === 'alice');
    assert.deepEqual(alice && { directory: alice.directory, displayName: alice.displayName, roles: alice.roles }, { directory: 'ldap', displayName: 'Alice Agent', roles: ['agent'] });
  });

  it('a wrong password, an unknown name, an empty password and filter injection all fail as invalid credentials', async () => {
    assert.equal((await login('alice', 'wrong')).status, 401);
    assert.equal((await login('nobody', 'alice-pw')).status, 401);
    // RFC 4513 §5.1.2: slapd would accept a name with no password as an unauthenticated bind
    assert.notEqual((await login('alice', '')).status, 200);
    for (const name of ['*', 'al*', 'alice)(uid=*', '*)(|(uid=*']) assert.equal((await login(name, 'alice-pw')).status, 401, name);
  });

  it('a user whose groups map to no role is refused with the reason, and nothing is created', async () => {
    const r = await login('carol', 'carol-pw');
    assert.equal(r.status, 403);
    assert.match(r.body.reason ?? '', /none of your directory groups is mapped/);
    const users = await hailing.api<{ items: { username: string }[] }>('GET', '/api/v1/users');
    assert.ok(!users.body.items.some((u) => u.username === 'carol'));
  });

  it('roles follow the groups at the next sign-in', async () => {
    const first = await login('bob', 'bob-pw');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual((await session(first.body.token!)).roles, ['supervisor']);
    await slapd.asRoot(async (c) => {
      await c.modify(`cn=cc-supervisors,${GROUPS}`, [new Change({ operation: 'delete', modification: new Attribute({ type: 'member', values: [`uid=bob,${PEOPLE}`] }) })]);
      await c.modify(`cn=cc-agents,${GROUPS}`, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [`uid=bob,${PEOPLE}`] }) })]);
    });
    const second = await login('bob', 'bob-pw');
    assert.equal(second.status, 200);
    assert.deepEqual((await session(second.body.token!)).roles, ['agent']);
  });

  it('a directory user cannot set a local password: the directory keeps it', async () => {
    const r = await login('alice', 'alice-pw');
    const change = await fetch(`${hailing.baseUrl}/api/v1/auth/password`, {
      method: 'POST',
      headers: { authorization: `Bearer ${r.body.token!}`, 'content-type': 'application/json' },
      body: JSON.stringify({ currentPassword: 'alice-pw', newPassword: 'a-new-long-password-1' }),
    });
    assert.equal(change.status, 409);
    assert.match(((await change.json()) as { reason: string }).reason, /ldap directory/);
  });

  it('the local admin is never shadowed by a directory entry of the same name', async () => {
    // the directory has an entry with the local admin's name, in cc-agents
    assert.equal((await login(ADMIN.username, 'directory-admin-pw')).status, 401);
    assert.equal((await hailing.api('GET', '/api/v1/users')).status, 200, 'the local admin still signs in');
  });

  it('with the directory down, directory users get 503 and the reason; local accounts still sign in', async () => {
    await slapd.stop();
    const r = await login('alice', 'alice-pw');
    assert.equal(r.status, 503);
    assert.match(r.body.reason ?? '', /directory did not answer/);
    // a fresh local sign-in (password, then TOTP) still works
    const local = await hailing.api('GET', '/api/v1/users');
    assert.equal(local.status, 200);
  });
});
