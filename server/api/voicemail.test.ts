import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beepWav } from '../voicemail/index.js';
import { apiClient, createApiHarness, loginAs, withApiExtensions } from './testing.js';

describe('/api/v1/extensions/{number}/mailbox', () => {
  it('a PIN is set and reset but never returned or audited in clear; an unknown extension gets 404', async () => {
    const h = await createApiHarness();
    try {
      await withApiExtensions(h, ['1002']);
      const call = await apiClient(h);
      assert.equal((await call('GET', '/api/v1/extensions/1002/mailbox')).status, 404);
      assert.equal((await call('PUT', '/api/v1/extensions/1099/mailbox', { pin: '1234' })).status, 404);
      assert.equal((await call('PUT', '/api/v1/extensions/1002/mailbox', { pin: '12' })).status, 400);
      const saved = await call('PUT', '/api/v1/extensions/1002/mailbox', { pin: '864209', maxMessageS: 60 });
      assert.equal(saved.status, 200);
      assert.equal(saved.body?.['hasPin'], true);
      assert.equal(saved.body?.['maxMessageS'], 60);
      assert.ok(!JSON.stringify(saved.body).includes('864209'));
      await h.writer.flush?.();
      const audit = await h.database.client.execute("SELECT detail FROM audit_log WHERE action = 'voicemail.mailbox'");
      assert.ok(audit.rows.length > 0 && !JSON.stringify(audit.rows).includes('864209'), 'the audit says the PIN was reset, never what it is');
      assert.equal(await h.deps.voicemail!.checkPin('1002', '864209'), true);
      assert.equal(await h.deps.voicemail!.checkPin('1002', '864200'), false);
    } finally {
      await h.cleanup();
    }
  });

  it('a greeting must be audio/wav the player parses; one larger than the 64 KiB JSON limit is accepted', async () => {
    const h = await createApiHarness();
    try {
      await withApiExtensions(h, ['1002']);
      const call = await apiClient(h);
      await call('PUT', '/api/v1/extensions/1002/mailbox', { enabled: true });
      const token = await loginAs(h, 'user-admin', 'correct horse', 'admin');
      const put = (body: Uint8Array, type: string) => h.app.request('/api/v1/extensions/1002/mailbox/greeting', { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });
      assert.equal((await put(beepWav(), 'application/json')).status, 415);
      assert.equal((await put(new TextEncoder().encode('not a wav at all'), 'audio/wav')).status, 400);
      // 5 s of 8 kHz 16-bit audio: 80 KB
      const beep = beepWav();
      const data = Buffer.concat(Array.from({ length: 13 }, () => beep.subarray(44)));
      const long = Buffer.concat([beep.subarray(0, 44), data]);
      long.writeUInt32LE(36 + data.length, 4);
      long.writeUInt32LE(data.length, 40);
      const ok = await put(long, 'audio/wav');
      assert.equal(ok.status, 200, await ok.clone().text());
      assert.equal(((await ok.json()) as Record<string, unknown>)['hasGreeting'], true);
      assert.equal((await put(new Uint8Array(3 * 1024 * 1024), 'audio/wav')).status, 413);
    } finally {
      await h.cleanup();
    }
  });

  it('greetings of each kind: ?kind=busy and temporary beside the unavailable one (the old route); a bad kind is a 400 naming kind', async () => {
    const h = await createApiHarness();
    try {
      await withApiExtensions(h, ['1002']);
      const call = await apiClient(h);
      await call('PUT', '/api/v1/extensions/1002/mailbox', { enabled: true });
      const token = await loginAs(h, 'user-admin', 'correct horse', 'admin');
      const send = (method: string, query: string) => h.app.request(`/api/v1/extensions/1002/mailbox/greeting${query}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' }, ...(method === 'PUT' ? { body: beepWav() } : {}) });
      const greetings = async (r: Response) => ((await r.json()) as { greetings: Record<string, boolean>; hasGreeting: boolean });
      const busy = await greetings(await send('PUT', '?kind=busy'));
      assert.deepEqual(busy.greetings, { unavailable: false, busy: true, temporary: false });
      assert.equal(busy.hasGreeting, false, 'hasGreeting is the unavailable one');
      assert.deepEqual((await greetings(await send('PUT', ''))).greetings, { unavailable: true, busy: true, temporary: false });
      assert.deepEqual((await greetings(await send('PUT', '?kind=temporary'))).greetings, { unavailable: true, busy: true, temporary: true });
      const bad = await send('PUT', '?kind=holiday');
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /kind/);
      assert.equal((await send('DELETE', '?kind=nope')).status, 400);
      // each greeting is its own sealed file; removing one removes only its file
      const greetingFiles = async () => (await readdir(join(h.deps.voicemail!.files.dir, '1002'))).filter((f) => f.startsWith('greeting-')).length;
      const before = await greetingFiles();
      assert.equal((await send('DELETE', '?kind=temporary')).status, 204);
      assert.equal(await greetingFiles(), before - 1);
      const left = (await call('GET', '/api/v1/extensions/1002/mailbox')).body as { greetings: Record<string, boolean> };
      assert.deepEqual(left.greetings, { unavailable: true, busy: true, temporary: false });
    } finally {
      await h.cleanup();
    }
  });

  it('messages are for admins and supervisors; unknown messages get 404', async () => {
    const h = await createApiHarness();
    try {
      await withApiExtensions(h, ['1002']);
      const call = await apiClient(h, 'supervisor');
      const admin = await apiClient(h);
      await admin('PUT', '/api/v1/extensions/1002/mailbox', { pin: '1234' });
      assert.deepEqual((await call('GET', '/api/v1/extensions/1002/mailbox/messages')).body, { items: [] });
      const missing = '00000000-0000-4000-8000-000000000000';
      assert.equal((await call('PATCH', `/api/v1/voicemail/messages/${missing}`, { read: true })).status, 404);
      assert.equal((await call('DELETE', `/api/v1/voicemail/messages/${missing}`)).status, 404);
      assert.equal((await call('GET', `/api/v1/voicemail/messages/${missing}/audio`)).status, 404);
    } finally {
      await h.cleanup();
    }
  });
});
