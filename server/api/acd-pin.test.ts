// Agent PINs are never at rest in the database and never leave the API: the file (and its WAL)
// holds only the keyed hash, rows written before hashing are hashed at start, and the duplicate
// extension+PIN check still works on hashes.
import { strict as assert } from 'node:assert';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createClient } from '@libsql/client';
import { FakeClock, silentLogger } from '../sip/index.js';
import { AcdRepository } from '../store/index.js';
import { openTempDatabase } from '../store/testing.js';
import { AcdService } from '../acd/service.js';
import { FakeDriver, testPins } from '../acd/testing.js';
import { createApiHarness, jsonRequest, loginAs } from './testing.js';

/** every byte of the database's files (main, WAL, shared memory) as latin1 text */
async function databaseBytes(dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.includes('.db') || f.endsWith('-wal') || f.endsWith('-shm') || f.endsWith('.sqlite'));
  assert.ok(files.length > 0, `no database file in ${dir}`);
  return (await Promise.all(files.map((f) => readFile(join(dir, f), 'latin1')))).join('');
}

describe('agent PINs at rest', () => {
  it('the database file holds no PIN: the API stores a keyed hash, never returns it, hashes old rows at start, and still refuses a duplicate extension+PIN', async () => {
    const tmp = await openTempDatabase();
    const clock = new FakeClock();
    const repository = new AcdRepository({ db: tmp.database.db, now: () => clock.now() });
    // a row from before hashing: the PIN itself in the column
    await repository.putAgent({ id: 'old', name: 'Old', extension: '1003', pinHash: '246813', skills: {}, capacity: {}, maxMissed: 3, team: null });
    const open = () => AcdService.open({ repository, clock, random: () => 0, logger: silentLogger, queueLogPath: null, driver: new FakeDriver(), pins: testPins() });
    const acd = await open();
    const h = await createApiHarness({ acd });
    try {
      const token = await loginAs(h, 'boss', 'correct horse', 'admin');
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await h.app.request(path, body === undefined ? { method, headers: { authorization: `Bearer ${token}` } } : jsonRequest(method, body, { authorization: `Bearer ${token}` }));
        const text = await res.text();
        return { status: res.status, text };
      };
      assert.equal((await call('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1001', pin: '97531864' })).status, 201);
      const dup = await call('POST', '/api/v1/acd/agents', { id: 'bob', name: 'Bob', extension: '1001', pin: '97531864' });
      assert.deepEqual([dup.status, JSON.parse(dup.text).reason], [400, 'agent ana has that extension and PIN']);
      assert.equal((await call('POST', '/api/v1/acd/agents', { id: 'bob', name: 'Bob', extension: '1001', pin: '11223344' })).status, 201);
      const noPin = await call('POST', '/api/v1/acd/agents', { id: 'cy', name: 'Cy', extension: '1004' });
      assert.deepEqual([noPin.status, JSON.parse(noPin.text).reason], [400, 'a new agent needs a PIN']);
      // a replacement without a PIN keeps the one it had
      assert.equal((await call('PUT', '/api/v1/acd/agents/ana', { id: 'ana', name: 'Ana B', extension: '1001' })).status, 200);
      assert.ok(testPins().matches({ stored: acd.acd.agents.get('ana')!.config.pinHash, pin: '97531864' }));
      for (const path of ['/api/v1/acd/agents', '/api/v1/acd/agents/ana', '/api/v1/acd/agents/old']) {
        const r = await call('GET', path);
        assert.equal(r.status, 200);
        assert.doesNotMatch(r.text, /97531864|246813|pin/i, path);
      }
      // the row from before hashing was hashed when the ACD started
      const rows = await repository.agents();
      assert.ok(testPins().matches({ stored: rows.find((r) => r.id === 'old')!.pinHash, pin: '246813' }));
      // a restart reads the hashes as they are (no hash of a hash)
      const again = await open();
      assert.ok(testPins().matches({ stored: again.acd.agents.get('old')!.config.pinHash, pin: '246813' }));
      await again.close();
      // the column holds hashes only; the files hold no PIN the API was given (the pre-hashing row's
      // old value may linger in the WAL until a checkpoint, so it is checked through the column)
      const raw = createClient({ url: `file:${join(tmp.dir, (await readdir(tmp.dir)).find((f) => f.endsWith('.db'))!)}` });
      const columns = await raw.execute('SELECT pin FROM acd_agents');
      raw.close();
      for (const r of columns.rows) assert.match(String(r['pin']), /^hmac-sha256:[0-9a-f]{64}$/);
      const bytes = await databaseBytes(tmp.dir);
      for (const pin of ['97531864', '11223344']) assert.equal(bytes.includes(pin), false, `PIN ${pin} found in the database files`);
    } finally {
      await acd.close();
      await h.cleanup();
      await tmp.cleanup();
    }
  });
});
