import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createApiHarness, loginAs } from './testing.js';
import type { SystemStatusView } from './types.js';

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

const STATUS: SystemStatusView = {
  version: '0.1.0',
  node: 'v20.19.0',
  startedAt: '2027-01-15T08:00:00.000Z',
  uptimeS: 60,
  sipDomain: 'pbx.test',
  publicAddress: '192.0.2.10',
  listening: [{ transport: 'udp', address: '0.0.0.0', port: 5060 }],
  mediaWorkers: 2,
  rtpPorts: { min: 10000, max: 20000 },
  registrations: 3,
  activeCalls: 1,
  metrics: [{ name: 'hailing_registrations', help: 'registered contacts', value: 3 }],
};

describe('GET /api/v1/audit', () => {
  it('lists the log newest first for auditors, filtered, a page at a time with `more`', async () => {
    const h = await createApiHarness();
    try {
      const token = await loginAs(h, 'aud', 'correct horse', 'auditor');
      for (let i = 0; i < 3; i++) h.audit.record({ actor: 'root', action: 'extension.create', target: `100${i}` });
      await h.audit.settled();
      const res = await h.app.request('/api/v1/audit?action=extension.create&limit=2', bearer(token));
      assert.equal(res.status, 200);
      const body = (await res.json()) as { items: Array<{ target: string; at: string }>; more: boolean };
      assert.deepEqual(body.items.map((e) => e.target), ['1002', '1001']);
      assert.equal(body.more, true);
      assert.ok(!Number.isNaN(Date.parse(body.items[0]?.at ?? '')));
      const last = (await (await h.app.request('/api/v1/audit?action=extension.create&limit=2&offset=2', bearer(token))).json()) as { more: boolean };
      assert.equal(last.more, false);
    } finally {
      await h.cleanup();
    }
  });

  it('is for auditors only (403 with a reason, also for the system admin) and says why a bad filter is refused', async () => {
    const h = await createApiHarness();
    try {
      const auditor = await loginAs(h, 'aud', 'correct horse', 'auditor');
      const bad = await h.app.request('/api/v1/audit?from=yesterday', bearer(auditor));
      assert.equal(bad.status, 400);
      assert.equal(((await bad.json()) as { issues: Array<{ path: string }> }).issues[0]?.path, 'from');
      const agent = await loginAs(h, 'agent1', 'agent password', 'agent');
      const res = await h.app.request('/api/v1/audit', bearer(agent));
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as { reason: string }).reason, /audit\.read/);
      assert.equal((await h.app.request('/api/v1/audit', bearer(await loginAs(h)))).status, 403);
    } finally {
      await h.cleanup();
    }
  });
});

describe('GET /api/v1/system/status', () => {
  it('answers what the status source says, to admins and supervisors, not agents', async () => {
    const h = await createApiHarness({ system: { status: () => STATUS } });
    try {
      const res = await h.app.request('/api/v1/system/status', bearer(await loginAs(h)));
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), STATUS);
      const sup = await loginAs(h, 'sup1', 'supervisor password', 'supervisor');
      assert.equal((await h.app.request('/api/v1/system/status', bearer(sup))).status, 200);
      const agent = await loginAs(h, 'agent1', 'agent password', 'agent');
      assert.equal((await h.app.request('/api/v1/system/status', bearer(agent))).status, 403);
    } finally {
      await h.cleanup();
    }
  });
});
