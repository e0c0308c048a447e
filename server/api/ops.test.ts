import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, loginAs, quietApiLogger } from './testing.js';
import { startHttpServer } from './server.js';
import { ensureAdmin } from './bootstrap.js';
import { verifyPassword } from '../store/index.js';

const fromAddress = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('health, readiness, metrics', () => {
  it('GET /healthz is 200 {status:"ok"}; /readyz follows ready()', async () => {
    const h = await createApiHarness();
    try {
      const health = await h.app.request('/healthz');
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: 'ok' });
      assert.equal((await h.app.request('/readyz')).status, 503);
      h.state.ready = true;
      assert.equal((await h.app.request('/readyz')).status, 200);
    } finally {
      await h.cleanup();
    }
  });

  it('GET /metrics serves Prometheus text to loopback; elsewhere needs the metrics token or a session', async () => {
    const h = await createApiHarness({ metricsToken: 'scrape-token-123' });
    try {
      h.metrics.registrations.set(2);
      for (const addr of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        const res = await h.app.request('/metrics', {}, fromAddress(addr));
        assert.equal(res.status, 200, addr);
        assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
        assert.match(await res.text(), /^hailing_registrations 2$/m);
      }
      assert.equal((await h.app.request('/metrics', {}, fromAddress('192.0.2.7'))).status, 401);
      assert.equal((await h.app.request('/metrics')).status, 401, 'unknown peer is not loopback');
      const withToken = { headers: { authorization: 'Bearer scrape-token-123' } };
      assert.equal((await h.app.request('/metrics', withToken, fromAddress('192.0.2.7'))).status, 200);
      const wrong = { headers: { authorization: 'Bearer scrape-token-124' } };
      assert.equal((await h.app.request('/metrics', wrong, fromAddress('192.0.2.7'))).status, 401);
      const session = await loginAs(h);
      const withSession = { headers: { authorization: `Bearer ${session}` } };
      assert.equal((await h.app.request('/metrics', withSession, fromAddress('192.0.2.7'))).status, 200);
    } finally {
      await h.cleanup();
    }
  });
});

describe('registrations, errors, OpenAPI', () => {
  it('GET /api/v1/registrations lists the registrar view (auth required)', async () => {
    const h = await createApiHarness();
    try {
      const view = {
        aor: 'sip:1001@pbx.test',
        contact: 'sip:1001@192.0.2.1:5060',
        transport: 'udp',
        sourceAddress: '192.0.2.1',
        sourcePort: 5060,
        expiresAt: '2027-01-01T00:00:00.000Z',
        expiresIn: 300,
      };
      h.state.registrations = [view];
      assert.equal((await h.app.request('/api/v1/registrations')).status, 401);
      const token = await loginAs(h);
      const res = await h.app.request('/api/v1/registrations', { headers: { authorization: `Bearer ${token}` } });
      assert.deepEqual(await res.json(), { items: [view] });
    } finally {
      await h.cleanup();
    }
  });

  it('unknown routes are JSON 404; an internal failure is a 500 without stack trace or message', async () => {
    const h = await createApiHarness();
    try {
      const nf = await h.app.request('/api/v1/nope');
      assert.equal(nf.status, 404);
      assert.deepEqual(await nf.json(), { error: 'not found' });
      h.state.registrations = () => {
        throw new Error('secret internal detail at /srv/x.ts:1');
      };
      const token = await loginAs(h);
      const res = await h.app.request('/api/v1/registrations', { headers: { authorization: `Bearer ${token}` } });
      assert.equal(res.status, 500);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { error: 'internal error' });
      assert.ok(!text.includes('secret internal detail'));
    } finally {
      await h.cleanup();
    }
  });

  it('GET /api/v1/openapi.json is public, OpenAPI 3.1, and lists every route the app serves', async () => {
    const h = await createApiHarness();
    try {
      const res = await h.app.request('/api/v1/openapi.json');
      assert.equal(res.status, 200);
      const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
      assert.match(doc.openapi, /^3\.1\./);
      // independent of the route table: walk hono's own router
      const served = h.app.routes
        .filter((r) => r.method !== 'ALL')
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`);
      const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
      assert.deepEqual([...new Set(served)].sort(), documented.sort());
      const create = doc.paths['/api/v1/extensions']?.['post'] as {
        requestBody: { content: { 'application/json': { schema: { properties: Record<string, { pattern?: string }> } } } };
      };
      assert.equal(create.requestBody.content['application/json'].schema.properties['number']?.pattern, '^[0-9]{2,15}$');
    } finally {
      await h.cleanup();
    }
  });
});

describe('startHttpServer', () => {
  it('listens on a free loopback port, serves the app over real HTTP, and closes', async () => {
    const h = await createApiHarness();
    try {
      const server = await startHttpServer({ app: h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger });
      try {
        assert.ok(server.port > 0);
        const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
        assert.equal(res.status, 200, 'a real loopback peer may scrape');
        const bad = await fetch(`http://127.0.0.1:${server.port}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{',
        });
        assert.equal(bad.status, 400);
        await assert.rejects(startHttpServer({ app: h.app, port: server.port, address: '127.0.0.1', logger: quietApiLogger }));
      } finally {
        await server.close();
        await server.close();
      }
    } finally {
      await h.cleanup();
    }
  });
});

describe('ensureAdmin', () => {
  it('creates "admin" with a one-time password on first start, and nothing afterwards', async () => {
    const h = await createApiHarness();
    try {
      const first = await ensureAdmin({ repo: h.users, logger: quietApiLogger });
      assert.equal(first.created, true);
      assert.equal(first.username, 'admin');
      assert.ok((first.oneTimePassword ?? '').length >= 16);
      const creds = await h.users.findCredentials('admin');
      assert.equal(creds?.user.role, 'admin');
      assert.equal(await verifyPassword(creds?.passwordHash ?? '', first.oneTimePassword ?? ''), true);
      assert.deepEqual(await ensureAdmin({ repo: h.users, logger: quietApiLogger }), { created: false, username: 'admin' });
    } finally {
      await h.cleanup();
    }
  });

  it('uses configured credentials when given, without a one-time password', async () => {
    const h = await createApiHarness();
    try {
      const r = await ensureAdmin({ repo: h.users, username: 'ops', password: 'configured-pw', logger: quietApiLogger });
      assert.deepEqual(r, { created: true, username: 'ops' });
      const login = await h.app.request('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'ops', password: 'configured-pw' }),
      });
      assert.equal(login.status, 200);
    } finally {
      await h.cleanup();
    }
    const fresh = await createApiHarness();
    try {
      await assert.rejects(ensureAdmin({ repo: fresh.users, password: 'short', logger: quietApiLogger }), /at least 8/);
    } finally {
      await fresh.cleanup();
    }
  });
});
