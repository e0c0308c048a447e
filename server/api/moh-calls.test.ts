// /api/v1/moh and /api/v1/calls at the HTTP boundary: uploads larger than a JSON body are taken by
// the music-on-hold route only (the 64 KiB limit stays everywhere else), non-WAV bodies are 415,
// only admins change music on hold, and call control validates before it reaches the calls.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiClient, createApiHarness, loginAs } from './testing.js';
import { MohLibrary } from '../moh/library.js';
import { wavBytes } from '../moh/melody.js';
import type { LiveCallControl } from './types.js';

const ID = '7f1f3c54-6a3e-4c57-9b55-3f0e7d0b3a11';

describe('/api/v1/moh and /api/v1/calls', () => {
  it('a 200 KB WAV upload is accepted on the music-on-hold route while other routes keep the 64 KiB JSON limit; 415 for a non-WAV body; a supervisor may list but not upload', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hailing-api-moh-'));
    const moh = new MohLibrary({ dir });
    await moh.start();
    const h = await createApiHarness({ moh });
    try {
      const token = await loginAs(h);
      const put = (name: string, body: Uint8Array, type = 'audio/wav', bearer = token) =>
        h.app.request(`/api/v1/moh/classes/default/files/${name}`, { method: 'PUT', headers: { authorization: `Bearer ${bearer}`, 'content-type': type }, body });
      const big = wavBytes(new Int16Array(100_000).map((_, i) => Math.round(8000 * Math.sin(i / 3))), 16000);
      const up = await put('big.wav', big);
      assert.equal(up.status, 201, await up.text());
      const junk = await put('junk.wav', new TextEncoder().encode('not a wave'));
      assert.equal(junk.status, 415);
      const json = await put('x.wav', big, 'application/json');
      assert.equal(json.status, 415);
      const elsewhere = await h.app.request('/api/v1/extensions', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: `{"x":"${'a'.repeat(70_000)}"}` });
      assert.equal(elsewhere.status, 413, 'the JSON limit still applies to other routes');
      const supervisor = await loginAs(h, 'sup', 'correct horse', 'supervisor');
      assert.equal((await put('sup.wav', big, 'audio/wav', supervisor)).status, 403);
      const list = await h.app.request('/api/v1/moh/classes/default/files', { headers: { authorization: `Bearer ${supervisor}` } });
      const names = ((await list.json()) as { items: { name: string }[] }).items.map((f) => f.name);
      assert.deepEqual(names, ['big.wav', 'hailing-melody.wav']);
      assert.equal((await h.app.request('/api/v1/moh/classes/other/files', { headers: { authorization: `Bearer ${token}` } })).status, 400, "only the 'default' class exists");
    } finally {
      await h.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('call control: 404 without calls, 400 for a bad id or body, the controller’s 404/409 passed on, transfer 202, join 200', async () => {
    const seen: string[] = [];
    const liveCalls: LiveCallControl = {
      list: () => [],
      hangup: async () => ({ ok: false, status: 404, reason: 'no call in progress with that id' }),
      hold: async () => ({ ok: false, status: 409, reason: 'a call that is ringing cannot be held' }),
      resume: async () => ({ ok: true }),
      transfer: (id, target) => (seen.push(`${id}>${target}`), { ok: true }),
      join: async (id, other) => (other === ID ? { ok: false, status: 409, reason: 'the two calls have no party in common' } : (seen.push(`${id}+${other}`), { ok: true })),
      dtmf: (_id, o) => (seen.push(`dtmf ${o.to} ${o.digits}`), { ok: true }),
      startRecording: async () => ({ ok: true }),
      stopRecording: () => ({ ok: true }),
    };
    const none = await createApiHarness();
    try {
      const call = await apiClient(none);
      assert.equal((await call('GET', '/api/v1/calls')).status, 404);
    } finally {
      await none.cleanup();
    }
    const h = await createApiHarness({ liveCalls });
    try {
      const call = await apiClient(h);
      assert.deepEqual((await call('GET', '/api/v1/calls')).body, { items: [] });
      assert.equal((await call('POST', '/api/v1/calls/not-a-uuid/hangup')).status, 400);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/hangup`)).status, 404);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/hold`)).status, 409);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/resume`)).status, 200);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/transfer`, { target: 'sip:evil@x' })).status, 400);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/transfer`, { target: '1003' })).status, 202);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/dtmf`, { digits: '12#' })).status, 200);
      assert.equal((await call('POST', `/api/v1/calls/${ID}/dtmf`, { digits: '12x' })).status, 400);
      const OTHER = '6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b';
      assert.equal((await call('POST', `/api/v1/calls/${ID}/join`, { call: 'not-a-uuid' })).status, 400, 'join: the other call must be a call id');
      assert.equal((await call('POST', `/api/v1/calls/${ID}/join`, { call: ID })).status, 409, "join: the controller's 409 is passed on");
      assert.equal((await call('POST', `/api/v1/calls/${ID}/join`, { call: OTHER })).status, 200);
      assert.deepEqual(seen, [`${ID}>1003`, 'dtmf callee 12#', `${ID}+${OTHER}`]);
    } finally {
      await h.cleanup();
    }
  });
});
