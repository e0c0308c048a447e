import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { apiClient as client, createApiHarness, withApiExtensions as withExtensions } from './testing.js';

describe('/api/v1/dialplan', () => {
  it('create, list, read, replace and delete entries; each change is audited', async () => {
    const h = await createApiHarness();
    try {
      await withExtensions(h, ['1001', '1002', '1003']);
      const call = await client(h);
      const created = await call('POST', '/api/v1/dialplan', { pattern: '_8XX', steps: [{ kind: 'ring-group', strategy: 'sequential', members: ['1002', '1003'], memberTimeoutS: 10 }] });
      assert.equal(created.status, 201);
      assert.equal(created.body?.['permission'], 'internal');
      const id = created.body?.['id'] as number;
      const second = await call('POST', '/api/v1/dialplan', { pattern: '1002', permission: null, steps: [{ kind: 'extension' }, { kind: 'number', number: '800' }] });
      assert.equal(second.status, 201);
      const list = await call('GET', '/api/v1/dialplan');
      assert.deepEqual((list.body?.['items'] as { pattern: string }[]).map((e) => e.pattern), ['_8XX', '1002']);
      assert.equal((await call('GET', `/api/v1/dialplan/${id}`)).body?.['pattern'], '_8XX');
      const replaced = await call('PUT', `/api/v1/dialplan/${id}`, { position: 1, pattern: '_9XX', steps: [{ kind: 'conference', room: '3001' }] });
      assert.equal(replaced.status, 200);
      assert.equal(((await call('GET', '/api/v1/dialplan')).body?.['items'] as { pattern: string }[])[0]!.pattern, '_9XX');
      assert.equal((await call('DELETE', `/api/v1/dialplan/${id}`)).status, 204);
      assert.equal((await call('GET', `/api/v1/dialplan/${id}`)).status, 404);
      await h.audit.settled();
      const actions = (await h.auditRepo.list({})).map((e) => e.action);
      for (const a of ['dialplan.create', 'dialplan.update', 'dialplan.delete']) assert.ok(actions.includes(a), a);
    } finally {
      await h.cleanup();
    }
  });

  it('refuses a malformed pattern, an unknown destination and a loop with 400 and the reason', async () => {
    const h = await createApiHarness();
    try {
      await withExtensions(h, ['1001']);
      const call = await client(h);
      const malformed = await call('POST', '/api/v1/dialplan', { pattern: '_1[2', steps: [{ kind: 'extension' }] });
      assert.equal(malformed.status, 400);
      assert.match(String(malformed.body?.['reason']), /^malformed pattern/);
      const unknown = await call('POST', '/api/v1/dialplan', { pattern: '600', steps: [{ kind: 'extension', number: '1999' }] });
      assert.equal(unknown.status, 400);
      assert.match(String(unknown.body?.['reason']), /unknown extension 1999/);
      const badKind = await call('POST', '/api/v1/dialplan', { pattern: '600', steps: [{ kind: 'teleport' }] });
      assert.equal(badKind.status, 400);
      assert.equal((await call('POST', '/api/v1/dialplan', { pattern: '500', steps: [{ kind: 'number', number: '501' }] })).status, 201);
      const loop = await call('POST', '/api/v1/dialplan', { pattern: '501', steps: [{ kind: 'number', number: '500' }] });
      assert.equal(loop.status, 400);
      assert.match(String(loop.body?.['reason']), /^loop: 500 → 501 → 500/);
      assert.equal(((await call('GET', '/api/v1/dialplan')).body?.['items'] as unknown[]).length, 1);
    } finally {
      await h.cleanup();
    }
  });

  it('GET /resolve says what happens when 1001 dials a number, without placing a call', async () => {
    const h = await createApiHarness();
    try {
      await withExtensions(h, ['1001', '1002']);
      const call = await client(h, 'supervisor');
      const ext = await call('GET', '/api/v1/dialplan/resolve?from=1001&to=1002');
      assert.equal(ext.status, 200);
      assert.deepEqual(ext.body?.['steps'], [{ destination: { kind: 'extension' }, argument: '1002', dialled: '1002' }]);
      assert.deepEqual(ext.body?.['trace'], [{ number: '1002', entry: 'default:extension', pattern: '_X.', result: 'matched' }]);
      assert.equal(ext.body?.['failure'], null);
      const nowhere = await call('GET', '/api/v1/dialplan/resolve?from=1001&to=7777');
      assert.deepEqual(nowhere.body?.['failure'], { status: 404, cause: 'not-found' });
      const monitor = await call('GET', '/api/v1/dialplan/resolve?from=1001&to=*2221002');
      assert.deepEqual(monitor.body?.['failure'], { status: 403, cause: 'forbidden' });
      assert.equal((await call('GET', '/api/v1/dialplan/resolve?from=1001&to=abc')).status, 400);
    } finally {
      await h.cleanup();
    }
  });

  it("an extension's call handling: DND and forwards are stored; forwarding to itself or to a non-extension is 400", async () => {
    const h = await createApiHarness();
    try {
      await withExtensions(h, ['1001', '1002']);
      const call = await client(h);
      const path = '/api/v1/extensions/1001/call-handling';
      assert.deepEqual((await call('GET', path)).body, { dnd: false, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null, noAnswerS: null });
      const set = await call('PUT', path, { dnd: true, forwardBusy: '1002', noAnswerS: 15 });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, { dnd: true, forwardAlways: null, forwardBusy: '1002', forwardNoAnswer: null, noAnswerS: 15 });
      assert.deepEqual((await h.deps.callHandling!.get('1001')).forwardBusy, '1002');
      const self = await call('PUT', path, { forwardAlways: '1001' });
      assert.equal(self.status, 400);
      assert.match(String(self.body?.['reason']), /^loop/);
      const unknown = await call('PUT', path, { forwardNoAnswer: '1999' });
      assert.match(String(unknown.body?.['reason']), /unknown extension 1999/);
      assert.equal((await call('GET', '/api/v1/extensions/1999/call-handling')).status, 404);
      // deleting the extension takes its settings with it
      assert.equal((await call('DELETE', '/api/v1/extensions/1001')).status, 204);
      assert.equal((await h.deps.callHandling!.get('1001')).dnd, false);
    } finally {
      await h.cleanup();
    }
  });

  it("an extension's call pickup group is its own resource: stored without touching the forwarding settings; a name with a path is 400", async () => {
    const h = await createApiHarness();
    try {
      await withExtensions(h, ['1001', '1002']);
      const call = await client(h);
      await call('PUT', '/api/v1/extensions/1001/call-handling', { forwardBusy: '1002' });
      const path = '/api/v1/extensions/1001/pickup-group';
      assert.deepEqual((await call('GET', path)).body, { group: null });
      assert.deepEqual((await call('PUT', path, { group: 'sales' })).body, { group: 'sales' });
      assert.equal((await h.deps.callHandling!.get('1001')).forwardBusy, '1002', 'the forwarding settings stay');
      await call('PUT', '/api/v1/extensions/1002/pickup-group', { group: 'sales' });
      assert.deepEqual(await h.deps.callHandling!.pickupGroupMembers('sales'), ['1001', '1002']);
      assert.equal((await call('PUT', path, { group: '../etc' })).status, 400);
      assert.equal((await call('GET', '/api/v1/extensions/1999/pickup-group')).status, 404);
      assert.deepEqual((await call('PUT', path, { group: null })).body, { group: null });
    } finally {
      await h.cleanup();
    }
  });

  it("dial plan chains: 'answer', 'play' of a prompt in the prompts folder and 'pickup' are steps; a prompt name with a path is 400", async () => {
    const h = await createApiHarness();
    try {
      await withExtensions(h, ['1001', '1002']);
      const call = await client(h);
      const chain = await call('POST', '/api/v1/dialplan', { pattern: '700', steps: [{ kind: 'answer' }, { kind: 'play', prompt: 'welcome_1.wav' }, { kind: 'extension', number: '1002' }] });
      assert.equal(chain.status, 201, JSON.stringify(chain.body));
      for (const prompt of ['../hailing.db', 'sub/x.wav', '.hidden.wav', 'x.wav.sh', '/etc/passwd']) {
        assert.equal((await call('POST', '/api/v1/dialplan', { pattern: '701', steps: [{ kind: 'play', prompt }] })).status, 400, prompt);
      }
      assert.equal((await call('POST', '/api/v1/dialplan', { pattern: '_*9X.', steps: [{ kind: 'pickup' }] })).status, 201);
      assert.equal((await call('POST', '/api/v1/dialplan', { pattern: '*7', steps: [{ kind: 'pickup', extension: '1999' }] })).status, 400);
    } finally {
      await h.cleanup();
    }
  });

  it('a supervisor may read the plan but not change it', async () => {
    const h = await createApiHarness();
    try {
      const call = await client(h, 'supervisor');
      assert.equal((await call('GET', '/api/v1/dialplan')).status, 200);
      assert.equal((await call('POST', '/api/v1/dialplan', { pattern: '3001', steps: [{ kind: 'conference' }] })).status, 403);
    } finally {
      await h.cleanup();
    }
  });
});
