import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createApiHarness, jsonRequest, loginAs, type ApiHarness } from './testing.js';

const PASSWORD = 'Sup3r-secret-pw';
const NEW_PASSWORD = 'An0ther-secret-pw';

async function client(h: ApiHarness, role: 'admin' | 'supervisor' = 'admin') {
  const token = await loginAs(h, `user-${role}`, 'correct horse', role);
  const texts: string[] = [];
  const call = async (method: string, path: string, body?: unknown) => {
    const init: RequestInit =
      body === undefined
        ? { method, headers: { authorization: `Bearer ${token}` } }
        : jsonRequest(method, body, { authorization: `Bearer ${token}` });
    const res = await h.app.request(path, init);
    const text = await res.text();
    texts.push(text, JSON.stringify([...res.headers]));
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };
  return { call, texts };
}

describe('/api/v1/extensions', () => {
  it('create, read, list, update and delete; HA1 equals RFC 7616 H(username:realm:password); no secret in any response', async () => {
    const h = await createApiHarness();
    try {
      const { call, texts } = await client(h);
      const created = await call('POST', '/api/v1/extensions', { number: '1001', password: PASSWORD, displayName: 'Front desk' });
      assert.equal(created.status, 201);
      assert.equal(created.body?.['number'], '1001');
      assert.equal(created.body?.['displayName'], 'Front desk');
      assert.equal(created.body?.['realm'], 'pbx.test');
      assert.equal((await call('POST', '/api/v1/extensions', { number: '1001', password: PASSWORD })).status, 409);

      const row = (await h.database.client.execute("SELECT ha1_md5, ha1_sha256 FROM extensions WHERE number = '1001'")).rows[0];
      const a1 = `1001:pbx.test:${PASSWORD}`;
      assert.equal(row?.['ha1_md5'], createHash('md5').update(a1).digest('hex'));
      assert.equal(row?.['ha1_sha256'], createHash('sha256').update(a1).digest('hex'));

      await call('POST', '/api/v1/extensions', { number: '1002', password: PASSWORD });
      await call('POST', '/api/v1/extensions', { number: '1000', password: PASSWORD });
      const got = await call('GET', '/api/v1/extensions/1001');
      assert.equal(got.status, 200);
      assert.deepEqual(Object.keys(got.body ?? {}).sort(), ['createdAt', 'displayName', 'number', 'permissions', 'realm', 'updatedAt']);
      const page = await call('GET', '/api/v1/extensions?limit=2&offset=1');
      assert.deepEqual(
        (page.body?.['items'] as { number: string }[]).map((e) => e.number),
        ['1001', '1002'],
      );
      assert.equal(page.body?.['total'], 3);

      const patched = await call('PATCH', '/api/v1/extensions/1001', { password: NEW_PASSWORD, displayName: null });
      assert.equal(patched.status, 200);
      assert.equal(patched.body?.['displayName'], null);
      const row2 = (await h.database.client.execute("SELECT ha1_sha256 FROM extensions WHERE number = '1001'")).rows[0];
      assert.equal(row2?.['ha1_sha256'], createHash('sha256').update(`1001:pbx.test:${NEW_PASSWORD}`).digest('hex'));
      assert.equal((await call('PATCH', '/api/v1/extensions/4040', { displayName: 'x' })).status, 404);

      assert.equal((await call('DELETE', '/api/v1/extensions/1002')).status, 204);
      assert.equal((await call('GET', '/api/v1/extensions/1002')).status, 404);
      assert.equal((await call('DELETE', '/api/v1/extensions/1002')).status, 404);

      const all = texts.join('\n');
      for (const secret of [PASSWORD, NEW_PASSWORD, String(row?.['ha1_md5']), String(row2?.['ha1_sha256']), 'ha1']) {
        assert.ok(!all.includes(secret), `response leaked ${secret}`);
      }

      await h.audit.settled();
      const trail = await h.auditRepo.list({ actor: 'user-admin' });
      assert.deepEqual(
        trail.filter((e) => !e.action.startsWith('auth.mfa')).map((e) => `${e.action}:${e.target ?? ''}`).reverse(),
        [
          'auth.login:',
          'extension.create:1001',
          'extension.create:1002',
          'extension.create:1000',
          'extension.update:1001',
          'extension.delete:1002',
        ],
      );
      assert.ok(!JSON.stringify(trail).includes(NEW_PASSWORD));
    } finally {
      await h.cleanup();
    }
  });

  it('permissions: default internal + emergency, set on create and by PATCH, unknown or repeated values refused', async () => {
    const h = await createApiHarness();
    try {
      const { call } = await client(h);
      const plain = await call('POST', '/api/v1/extensions', { number: '1001', password: PASSWORD });
      assert.deepEqual(plain.body?.['permissions'], ['internal', 'emergency']);
      const wide = await call('POST', '/api/v1/extensions', { number: '1002', password: PASSWORD, permissions: ['international', 'internal'] });
      assert.equal(wide.status, 201);
      assert.deepEqual(wide.body?.['permissions'], ['internal', 'international'], 'stored in the fixed narrow-to-wide order');
      assert.deepEqual((await call('GET', '/api/v1/extensions/1002')).body?.['permissions'], ['internal', 'international']);

      const patched = await call('PATCH', '/api/v1/extensions/1001', { permissions: ['internal', 'local', 'national', 'emergency'] });
      assert.equal(patched.status, 200);
      assert.deepEqual(patched.body?.['permissions'], ['internal', 'local', 'national', 'emergency']);
      assert.deepEqual((await h.deps.repositories.extensions.profile('1001'))?.permissions, ['internal', 'local', 'national', 'emergency']);
      assert.deepEqual((await call('PATCH', '/api/v1/extensions/1001', { permissions: [] })).body?.['permissions'], []);

      for (const permissions of [['internal', 'internal'], ['premium'], 'internal', [1]]) {
        const bad = await call('PATCH', '/api/v1/extensions/1001', { permissions });
        assert.equal(bad.status, 400, JSON.stringify(permissions));
        assert.equal((bad.body?.['issues'] as { path: string }[])[0]?.path.split('.')[0], 'permissions');
      }
      assert.equal((await call('POST', '/api/v1/extensions', { number: '1003', password: PASSWORD, permissions: ['toll-free'] })).status, 400);

      await h.audit.settled();
      const update = (await h.auditRepo.list({ action: 'extension.update', target: '1001' })).at(-1);
      assert.deepEqual(update?.detail, { fields: ['permissions'], permissions: ['internal', 'local', 'national', 'emergency'] });
    } finally {
      await h.cleanup();
    }
  });

  it('400 with a path and message for each invalid field', async () => {
    const h = await createApiHarness();
    try {
      const { call } = await client(h);
      const bad = await call('POST', '/api/v1/extensions', { number: '1', password: 'short', extra: true });
      assert.equal(bad.status, 400);
      assert.equal(bad.body?.['error'], 'validation failed');
      const issues = bad.body?.['issues'] as { path: string; message: string }[];
      const paths = issues.map((i) => i.path).sort();
      assert.deepEqual(paths, ['', 'number', 'password']); // '' is the unknown key at the root
      assert.ok(issues.every((i) => i.message.length > 0));
      assert.equal((await call('POST', '/api/v1/extensions', { number: '1234567890123456', password: PASSWORD })).status, 400);
      assert.equal((await call('POST', '/api/v1/extensions', { number: '12a4', password: PASSWORD })).status, 400);
      assert.equal((await call('GET', '/api/v1/extensions/abc')).status, 400);
      assert.equal((await call('GET', '/api/v1/extensions?limit=0')).status, 400);
      assert.equal((await call('GET', '/api/v1/extensions?offset=-1')).status, 400);
      const empty = await call('PATCH', '/api/v1/extensions/1001', {});
      assert.equal(empty.status, 400);
    } finally {
      await h.cleanup();
    }
  });

  it('a supervisor may read but not change extensions (403)', async () => {
    const h = await createApiHarness();
    try {
      const { call } = await client(h, 'supervisor');
      assert.equal((await call('GET', '/api/v1/extensions')).status, 200);
      assert.equal((await call('POST', '/api/v1/extensions', { number: '1001', password: PASSWORD })).status, 403);
      assert.equal((await call('DELETE', '/api/v1/extensions/1001')).status, 403);
    } finally {
      await h.cleanup();
    }
  });
});
