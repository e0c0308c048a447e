// Acceptance (issue 15, versions) with a real phone: editing a flow creates a new version, and a
// call already in the flow keeps the version it started with. baresip 1001 dials 810 and waits at
// version 1's menu; the flow is edited (version 2 sends key 1 elsewhere); the caller presses 1 and
// follows version 1, as its record says. A call that starts after the edit follows version 2.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { finalCallRecord } from './helpers/cdrs.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** key 1 goes to `to` (2 to the other); both ends hang up, so the node in the path tells the version apart */
const flow = (to: 'one' | 'uno') => ({
  start: 'main',
  nodes: {
    main: { verb: 'menu', prompt: { say: 'Press one.' }, choices: { '1': to, '2': to === 'one' ? 'uno' : 'one' }, timeoutMs: 20_000, invalidPrompt: { say: 'Sorry.' }, timeoutPrompt: { say: 'Again.' } },
    one: { verb: 'hangup' },
    uno: { verb: 'hangup' },
  },
});

interface IvrRecord {
  id: string;
  startedAt: string;
  ivr?: { version: number; path: string[]; outcome: string };
}

describe('IVR flow versions: a call in progress keeps the version it started with (baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;
  let flowId: number;

  const ok = async (method: string, p: string, body?: unknown) => {
    const r = await server.api(method, p, body);
    assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };

  before(async () => {
    rig = await startExtensionPhones(['1001']);
    server = rig.server;
    flowId = (await ok('POST', '/api/v1/ivr/flows', { name: 'versions', document: flow('one') }))['id'] as number;
    await ok('POST', '/api/v1/dialplan', { pattern: '810', steps: [{ kind: 'flow', flow: flowId }] });
  });
  after(async () => {
    await rig?.close();
  });

  /** dials 810, runs `meanwhile` while the menu waits, presses 1; the call's record once it ended */
  async function callPressingOne(meanwhile: () => Promise<void>): Promise<IvrRecord> {
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const since = Date.now();
    await a.dial(`sip:810@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(1500);
    await meanwhile();
    await a.sendDigits('1');
    // both ends of the menu hang up
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 30_000 });
    await a.stop();
    for (let i = 0; i < 50; i++) {
      const record = (await finalCallRecord({ api: server.api.bind(server), number: '1001', ms: 15_000 })) as unknown as IvrRecord;
      if (Date.parse(record.startedAt) >= since - 1000 && record.ivr) return record;
      await sleep(100);
    }
    throw new Error('no record of the call with its flow run');
  }

  it('edited while the caller waits at the menu: the call follows version 1; the next call version 2', { timeout: 120_000 }, async () => {
    const during = await callPressingOne(async () => {
      const updated = await ok('PUT', `/api/v1/ivr/flows/${flowId}`, { document: flow('uno') });
      assert.equal(updated['currentVersion'], 2);
    });
    assert.equal(during.ivr!.version, 1);
    assert.deepEqual(during.ivr!.path, ['main', 'one']);

    const next = await callPressingOne(async () => undefined);
    assert.equal(next.ivr!.version, 2);
    assert.deepEqual(next.ivr!.path, ['main', 'uno']);
  });
});
