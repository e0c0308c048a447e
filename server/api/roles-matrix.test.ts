// Issue 14 acceptance: every API route, for every role, answers exactly as the matrix below says:
// allowed → anything but 401/403; refused → 403. The routes come from hono's own route list, so a
// route added later is walked too: one without a row must be admins-only (the authorizer's default
// for unclassified routes) until someone adds its permission and its row.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, jsonRequest, loginAs, signIn, type ApiHarness } from './testing.js';
import type { AdminRole } from '../store/index.js';

const ROLES = ['agent', 'supervisor', 'admin', 'security-admin', 'auditor'] as const satisfies readonly AdminRole[];

// columns: agent, supervisor, admin, security-admin, auditor ('x' allowed, '-' refused, 'p' public)
const MATRIX: Record<string, string> = {
  'GET /healthz': 'p',
  'GET /readyz': 'p',
  'GET /metrics': 'p',
  'GET /api/v1/openapi.json': 'p',
  'POST /api/v1/auth/login': 'p',
  'POST /api/v1/auth/login/mfa': 'p',
  'GET /api/v1/auth/oidc': 'p',
  'GET /api/v1/auth/oidc/start': 'p',
  'GET /api/v1/auth/oidc/callback': 'p',
  'GET /api/v1/auth/session': 'x x x x x',
  'POST /api/v1/auth/password': 'x x x x x',
  'POST /api/v1/auth/logout': 'x x x x x',
  'POST /api/v1/auth/mfa/totp/enrol': 'x x x x x',
  'POST /api/v1/auth/mfa/totp/confirm': 'x x x x x',
  'POST /api/v1/auth/mfa/recovery-codes': 'x x x x x',
  'GET /api/v1/auth/tokens': 'x x x x x',
  'POST /api/v1/auth/tokens': 'x x x x x',
  'DELETE /api/v1/auth/tokens/:id': 'x x x x x',
  'GET /api/v1/users': '- - - x x',
  'GET /api/v1/directory': '- - - x x',
  'POST /api/v1/directory/lookup': '- - - x -',
  'POST /api/v1/directory/oidc-check': '- - - x -',
  'POST /api/v1/users': '- - - x -',
  'GET /api/v1/users/:id': '- - - x x',
  'PATCH /api/v1/users/:id': '- - - x -',
  'DELETE /api/v1/users/:id': '- - - x -',
  'POST /api/v1/users/:id/password': '- - - x -',
  'DELETE /api/v1/users/:id/mfa': '- - - x -',
  'GET /api/v1/security/policy': '- - - x x',
  'PUT /api/v1/security/policy': '- - - x -',
  'GET /api/v1/registrations': '- x x - -',
  'GET /api/v1/extensions': 'x x x x -',
  'POST /api/v1/extensions': '- - x - -',
  'GET /api/v1/extensions/:number': 'x x x x -',
  'PATCH /api/v1/extensions/:number': '- - x - -',
  'DELETE /api/v1/extensions/:number': '- - x - -',
  'GET /api/v1/extensions/:number/call-handling': 'x x x - -',
  'PUT /api/v1/extensions/:number/call-handling': 'x x x - -',
  'GET /api/v1/extensions/:number/pickup-group': 'x x x x -',
  'PUT /api/v1/extensions/:number/pickup-group': '- - x - -',
  'GET /api/v1/cdrs': '- x x - x',
  'GET /api/v1/cdrs.csv': '- x x - x',
  'GET /api/v1/cdrs/:id': '- x x - x',
  'GET /api/v1/cdrs/:id/trunk-attempts': '- x x - x',
  'POST /api/v1/cdrs/:id/reveal': '- x x - -',
  'GET /api/v1/cdrs/:id/recording': '- x x - -',
  'GET /api/v1/cdrs/:id/transcript': '- x x - -',
  'GET /api/v1/transcripts': '- x x - -',
  'GET /api/v1/cdrs/:id/keyword-hits': '- x x - -',
  'GET /api/v1/keyword-hits': '- x x - -',
  'GET /api/v1/keyword-lists': '- x x - -',
  'POST /api/v1/keyword-lists': '- x x - -',
  'GET /api/v1/keyword-lists/:id': '- x x - -',
  'PUT /api/v1/keyword-lists/:id': '- x x - -',
  'DELETE /api/v1/keyword-lists/:id': '- x x - -',
  'DELETE /api/v1/cdrs/:id/recording': '- - x - -',
  'PUT /api/v1/cdrs/:id/legal-hold': '- - x - -',
  'DELETE /api/v1/cdrs/:id/legal-hold': '- - x - -',
  'PUT /api/v1/cdrs/:id/tags': '- x x - -',
  'POST /api/v1/calls/:id/recording/pause': 'x x x - -',
  'POST /api/v1/calls/:id/recording/resume': 'x x x - -',
  'GET /api/v1/recordings/keys': '- - x - -',
  'POST /api/v1/recordings/keys/rotate': '- - x - -',
  'GET /api/v1/retention': '- - x - x',
  'POST /api/v1/retention/policies': '- - x - -',
  'PUT /api/v1/retention/policies/:id': '- - x - -',
  'DELETE /api/v1/retention/policies/:id': '- - x - -',
  'POST /api/v1/retention/purge': '- - x - -',
  'GET /api/v1/audit': '- - - - x',
  'GET /api/v1/audit/verify': '- - - - x',
  'GET /api/v1/audit/export': '- - - - x',
  'GET /api/v1/audit/signing-key': '- - - - x',
  'GET /api/v1/dialplan': '- x x - -',
  'GET /api/v1/dialplan/resolve': '- x x - -',
  'POST /api/v1/dialplan': '- - x - -',
  'GET /api/v1/dialplan/:id': '- x x - -',
  'PUT /api/v1/dialplan/:id': '- - x - -',
  'DELETE /api/v1/dialplan/:id': '- - x - -',
  'GET /api/v1/calendars': '- x x - -',
  'POST /api/v1/calendars': '- - x - -',
  'GET /api/v1/calendars/:id': '- x x - -',
  'PUT /api/v1/calendars/:id': '- - x - -',
  'DELETE /api/v1/calendars/:id': '- - x - -',
  'GET /api/v1/calendars/:id/at': '- x x - -',
  'POST /api/v1/calendars/:id/import': '- - x - -',
  'GET /api/v1/calendars/:id/export': '- x x - -',
  'POST /api/v1/calendars/:id/copy-year': '- - x - -',
  'GET /api/v1/acd/skills': 'x x x - -',
  'POST /api/v1/acd/skills': '- - x - -',
  'DELETE /api/v1/acd/skills/:name': '- - x - -',
  'GET /api/v1/acd/queues': 'x x x - -',
  'POST /api/v1/acd/queues': '- - x - -',
  'GET /api/v1/acd/queues/:id': 'x x x - -',
  'PUT /api/v1/acd/queues/:id': '- - x - -',
  'DELETE /api/v1/acd/queues/:id': '- - x - -',
  'GET /api/v1/acd/agents': 'x x x - -',
  'POST /api/v1/acd/agents': '- - x - -',
  'GET /api/v1/acd/agents/:id': 'x x x - -',
  'PUT /api/v1/acd/agents/:id': '- - x - -',
  'DELETE /api/v1/acd/agents/:id': '- - x - -',
  'POST /api/v1/acd/agents/:id/state': 'x x x - -',
  'POST /api/v1/acd/agents/:id/heartbeat': 'x x x - -',
  'GET /api/v1/acd/agents/:id/monitor': '- x x - -',
  'GET /api/v1/acd/me': 'x x x - -',
  'POST /api/v1/acd/me/softphone': 'x x x - -',
  'PUT /api/v1/acd/agents/:id/queues': 'x x x - -',
  'POST /api/v1/acd/agents/:id/wrap-up': 'x x x - -',
  'POST /api/v1/acd/agents/:id/hold': 'x x x - -',
  'POST /api/v1/acd/agents/:id/transfer': 'x x x - -',
  'POST /api/v1/acd/interactions/:id/callback': '- x x - -',
  'POST /api/v1/acd/interactions/:id/move': '- x x - -',
  'GET /api/v1/acd/memberships': 'x x x - -',
  'POST /api/v1/acd/memberships': '- x x - -',
  'DELETE /api/v1/acd/memberships/:agentId/:queueId': '- x x - -',
  'GET /api/v1/acd/live': 'x x x - -',
  'GET /api/v1/acd/interactions': 'x x x - -',
  'POST /api/v1/acd/interactions/:id/priority': '- x x - -',
  'GET /api/v1/acd/intervals': 'x x x - -',
  'GET /api/v1/trunks': '- - x - -',
  'POST /api/v1/trunks': '- - x - -',
  'GET /api/v1/trunks/:id': '- - x - -',
  'PUT /api/v1/trunks/:id': '- - x - -',
  'DELETE /api/v1/trunks/:id': '- - x - -',
  'GET /api/v1/dids': '- - x - -',
  'POST /api/v1/dids': '- - x - -',
  'PUT /api/v1/dids/:id': '- - x - -',
  'DELETE /api/v1/dids/:id': '- - x - -',
  'GET /api/v1/routes': '- - x - -',
  'POST /api/v1/routes': '- - x - -',
  'PUT /api/v1/routes/:id': '- - x - -',
  'DELETE /api/v1/routes/:id': '- - x - -',
  'GET /api/v1/speech/models': '- - x - -',
  'POST /api/v1/speech/models/verify': '- - x - -',
  'POST /api/v1/speech/models/:name/install': '- - x - -',
  'DELETE /api/v1/speech/models/:name': '- - x - -',
  'PUT /api/v1/speech/models/:name/archive': '- - x - -',
  'GET /api/v1/speech/voices': '- - x - -',
  'GET /api/v1/events': 'x x x x x',
  'GET /api/v1/system/status': '- x x - x',
  'GET /api/v1/system/mail': '- x x - x',
  'POST /api/v1/system/mail/test': '- - x - -',
  'GET /api/v1/calls': '- x x - -',
  'POST /api/v1/calls/:id/hangup': '- x x - -',
  'POST /api/v1/calls/:id/hold': '- x x - -',
  'POST /api/v1/calls/:id/resume': '- x x - -',
  'POST /api/v1/calls/:id/recording/start': '- x x - -',
  'POST /api/v1/calls/:id/recording/stop': '- x x - -',
  'POST /api/v1/calls/:id/dtmf': '- x x - -',
  'POST /api/v1/calls/:id/transfer': '- x x - -',
  'POST /api/v1/calls/:id/join': '- x x - -',
  'GET /api/v1/conferences': '- x x - -',
  'GET /api/v1/setup': '- - x - -',
  'POST /api/v1/setup/reachability': '- - x - -',
  'POST /api/v1/setup/extensions': '- - x - -',
  'POST /api/v1/setup/complete': '- - x - -',
  'POST /api/v1/conferences/:room/members/:callId/mute': '- x x - -',
  'POST /api/v1/conferences/:room/members/:callId/kick': '- x x - -',
  'GET /api/v1/conference-rooms': '- x x - -',
  'POST /api/v1/conference-rooms': '- - x - -',
  'GET /api/v1/conference-rooms/:room': '- x x - -',
  'PUT /api/v1/conference-rooms/:room': '- - x - -',
  'DELETE /api/v1/conference-rooms/:room': '- - x - -',
  'GET /api/v1/moh/classes/:class/files': '- x x - -',
  'PUT /api/v1/moh/classes/:class/files/:name': '- - x - -',
  'DELETE /api/v1/moh/classes/:class/files/:name': '- - x - -',
  'GET /api/v1/voicemail/mailboxes': '- x x - -',
  'GET /api/v1/extensions/:number/mailbox': '- x x - -',
  'PUT /api/v1/extensions/:number/mailbox': '- - x - -',
  'PUT /api/v1/extensions/:number/mailbox/greeting': '- - x - -',
  'DELETE /api/v1/extensions/:number/mailbox/greeting': '- - x - -',
  'GET /api/v1/extensions/:number/mailbox/messages': '- x x - -',
  'GET /api/v1/voicemail/messages/:id/audio': '- x x - -',
  'PATCH /api/v1/voicemail/messages/:id': '- x x - -',
  'DELETE /api/v1/voicemail/messages/:id': '- x x - -',
  'GET /api/v1/presence/lines': '- x x - -',
  'GET /api/v1/ivr/schema': '- x x - -',
  'POST /api/v1/ivr/validate': '- x x - -',
  'GET /api/v1/ivr/flows': '- x x - -',
  'POST /api/v1/ivr/flows': '- - x - -',
  'GET /api/v1/ivr/flows/:id': '- x x - -',
  'PUT /api/v1/ivr/flows/:id': '- - x - -',
  'DELETE /api/v1/ivr/flows/:id': '- - x - -',
  'GET /api/v1/ivr/flows/:id/versions': '- x x - -',
  'GET /api/v1/ivr/flows/:id/versions/:version': '- x x - -',
  'POST /api/v1/ivr/flows/:id/rollback': '- - x - -',
  'POST /api/v1/ivr/flows/:id/simulate': '- x x - -',
  'GET /api/v1/ivr/flows/:id/metrics': '- x x - -',
  'GET /api/v1/ivr/runs/:callId': '- x x - -',
  'GET /api/v1/devices': '- x x - -',
  'POST /api/v1/devices': '- - x - -',
  'GET /api/v1/devices/pending': '- x x - -',
  'POST /api/v1/devices/pending/:mac/approve': '- - x - -',
  'DELETE /api/v1/devices/pending/:mac': '- - x - -',
  'GET /api/v1/devices/:mac': '- x x - -',
  'DELETE /api/v1/devices/:mac': '- - x - -',
  'POST /api/v1/devices/:mac/resync': '- - x - -',
  'GET /api/v1/provisioning/templates': '- x x - -',
  'PUT /api/v1/provisioning/templates/:family/:file': '- - x - -',
  'DELETE /api/v1/provisioning/templates/:family/:file': '- - x - -',
};
/** what the authorizer does with a route nobody classified: admins only */
const UNCLASSIFIED = '- - x - -';

function expected(route: string): Record<AdminRole, boolean> | 'public' {
  const row = MATRIX[route] ?? UNCLASSIFIED;
  if (row === 'p') return 'public';
  const cells = row.split(' ');
  assert.equal(cells.length, ROLES.length, `${route}: one cell per role`);
  return Object.fromEntries(ROLES.map((r, i) => [r, cells[i] === 'x'])) as Record<AdminRole, boolean>;
}

/** every (method, path) the app serves, from hono's router */
function servedRoutes(h: ApiHarness): string[] {
  const seen = new Set(h.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`));
  // sign-out last: it ends the session the walk runs on
  return [...seen].sort((a, b) => Number(a.endsWith('/auth/logout')) - Number(b.endsWith('/auth/logout')) || a.localeCompare(b));
}

/** a concrete URL for a route pattern: the agent's own extension, ids that parse or are absent */
function concrete(path: string): string {
  return path.replace(':number', '1001').replace(':agentId', 'a1').replace(':queueId', 'q1').replace(':name', 'none').replace(':id', '12');
}

async function call(h: ApiHarness, route: string, token: string | undefined): Promise<number> {
  const [method = 'GET', path = ''] = route.split(' ');
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const init = method === 'GET' || method === 'DELETE' ? { method, headers } : jsonRequest(method, {}, headers);
  const res = await h.app.request(concrete(path), init);
  await res.arrayBuffer();
  return res.status;
}

async function usersForEveryRole(h: ApiHarness): Promise<Record<AdminRole, string>> {
  await h.deps.repositories.extensions.create({ number: '1001', password: 'Sup3r-secret-pw', realm: 'pbx.test', displayName: null });
  const tokens = {} as Record<AdminRole, string>;
  for (const role of ROLES) {
    await h.users.create({ username: `u-${role}`, password: 'correct horse', roles: [role], extensions: role === 'agent' || role === 'supervisor' ? ['1001'] : [] });
    tokens[role] = await signIn(h, `u-${role}`, 'correct horse');
  }
  return tokens;
}

describe('roles × routes (issue 14 acceptance)', () => {
  it('every route the app serves answers each role exactly as the matrix says (403 when refused, never 401)', async () => {
    const h = await createApiHarness();
    try {
      const tokens = await usersForEveryRole(h);
      const routes = servedRoutes(h);
      const stale = Object.keys(MATRIX).filter((r) => !routes.includes(r));
      assert.deepEqual(stale, [], 'matrix rows for routes the app does not serve');
      const wrong: string[] = [];
      for (const role of ROLES) {
        for (const route of routes) {
          const want = expected(route);
          if (want === 'public') continue;
          const status = await call(h, route, tokens[role]);
          const allowed = status !== 403 && status !== 401;
          if (allowed !== want[role] || (!allowed && status !== 403)) wrong.push(`${role} ${route}: ${status}, expected ${want[role] ? 'allowed' : '403'}`);
        }
      }
      assert.deepEqual(wrong, []);
    } finally {
      await h.cleanup();
    }
  });

  it('without credentials every non-public route answers 401', async () => {
    const h = await createApiHarness();
    try {
      const wrong: string[] = [];
      for (const route of servedRoutes(h)) {
        if (expected(route) === 'public') continue;
        const status = await call(h, route, undefined);
        if (status !== 401) wrong.push(`${route}: ${status}`);
      }
      assert.deepEqual(wrong, []);
    } finally {
      await h.cleanup();
    }
  });

  it('a route added without a declared permission is refused to everyone but admins', async () => {
    const h = await createApiHarness();
    try {
      h.app.get('/api/v1/added-later', (c) => c.json({ ok: true }));
      const tokens = await usersForEveryRole(h);
      const got = Object.fromEntries(await Promise.all(ROLES.map(async (r) => [r, await call(h, 'GET /api/v1/added-later', tokens[r])] as const)));
      assert.deepEqual(got, { agent: 403, supervisor: 403, admin: 200, 'security-admin': 403, auditor: 403 });
    } finally {
      await h.cleanup();
    }
  });

  it('an agent sets call handling on its own extension only', async () => {
    const h = await createApiHarness();
    try {
      const tokens = await usersForEveryRole(h);
      await h.deps.repositories.extensions.create({ number: '1002', password: 'Sup3r-secret-pw', realm: 'pbx.test', displayName: null });
      const put = (n: string) => h.app.request(`/api/v1/extensions/${n}/call-handling`, jsonRequest('PUT', { dnd: true, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null }, { authorization: `Bearer ${tokens.agent}` }));
      assert.equal((await put('1001')).status, 200);
      assert.equal((await put('1002')).status, 403);
    } finally {
      await h.cleanup();
    }
  });

  it('mlps3 refuses a user holding two administrator roles (400 with the reason); default allows it', async () => {
    const h = await createApiHarness();
    try {
      const token = await loginAs(h, 'sec', 'correct horse', 'security-admin');
      const auth = { authorization: `Bearer ${token}` };
      const create = (username: string, roles: AdminRole[]) => h.app.request('/api/v1/users', jsonRequest('POST', { username, password: 'correct horse 1A', roles }, auth));
      assert.equal((await create('both-default', ['admin', 'auditor'])).status, 201);
      // the profile cannot become mlps3 while someone holds two
      const refused = await h.app.request('/api/v1/security/policy', jsonRequest('PUT', { profile: 'mlps3' }, auth));
      assert.equal(refused.status, 400);
      assert.match(((await refused.json()) as { reason: string }).reason, /both-default.*admin and auditor/);
      const both = (await h.users.findByUsername('both-default'))!;
      const fix = await h.app.request(`/api/v1/users/${both.id}`, jsonRequest('PATCH', { roles: ['auditor'] }, auth));
      assert.equal(fix.status, 200);
      assert.equal((await h.app.request('/api/v1/security/policy', jsonRequest('PUT', { profile: 'mlps3' }, auth))).status, 200);
      for (const roles of [['admin', 'security-admin'], ['admin', 'auditor'], ['security-admin', 'auditor']] as AdminRole[][]) {
        const res = await create(`two-${roles.join('-')}`, roles);
        assert.equal(res.status, 400, roles.join('+'));
        assert.match(((await res.json()) as { reason: string }).reason, /mlps3.*one user cannot hold/);
      }
      const promote = await h.app.request(`/api/v1/users/${both.id}`, jsonRequest('PATCH', { roles: ['auditor', 'security-admin'] }, auth));
      assert.equal(promote.status, 400);
      assert.equal((await create('agent-and-supervisor', ['agent', 'supervisor'])).status, 201);
      // role changes are audited with before and after
      await h.audit.settled();
      const rows = await h.auditRepo.list({ action: 'user.roles', limit: 10, offset: 0 });
      assert.deepEqual(rows.map((r) => r.detail), [{ from: ['admin', 'auditor'], to: ['auditor'] }]);
    } finally {
      await h.cleanup();
    }
  });
});
