// Acceptance (issue 17) with real phones: baresip 1001 dials a queue's number (a dial plan 'queue'
// step written through the API). Hailing answers and plays the queue's hold prompt (a 1000 Hz tone
// made by sox); the agent at 1002 logs in by the API, its phone rings, it answers, and the two
// phones hear each other. Measured in the phones' decoded audio with sox; the interaction record
// (by call id) and the queue_log lines are checked after the hang-up.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assertTone, soxStat } from './helpers/audio.js';
import { finalCallRecord } from './helpers/cdrs.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { answerTalkHangUp, startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ACD queue as a dial plan destination (baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    server = rig.server;
    const prompts = path.join(server.dataDir, 'prompts');
    mkdirSync(prompts, { recursive: true });
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', path.join(prompts, 'hold-1k.wav'), 'synth', '3', 'sine', '1000', 'vol', '0.5']);
  });

  after(() => rig?.close());

  it('a caller dials the queue, hears the hold prompt, the agent phone rings and answers, audio both ways', { timeout: 120_000 }, async () => {
    const ok = async (method: string, p: string, body?: unknown) => {
      const r = await server.api(method, p, body);
      assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    await ok('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales', holdPrompt: 'hold-1k.wav', ringTimeoutS: 30 });
    await ok('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: '1002', pin: '4321' });
    await ok('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'sales' });
    await ok('POST', '/api/v1/dialplan', { pattern: '700', steps: [{ kind: 'queue', queue: 'sales' }] });
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await a.dial(`sip:700@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    // the caller waits with the hold prompt until the agent logs in
    await sleep(3000);
    await ok('POST', '/api/v1/acd/agents/bo/state', { action: 'login' });
    const { callerHeard, calleeHeard } = await answerTalkHangUp({ caller: a, callee: b, pauseMs: 500, talkMs: 3500 });
    const hold = await soxStat({ file: callerHeard, skipS: 0.5, durationS: 2 });
    assert.ok(hold.rms > 0.05, `the hold prompt is heard (RMS ${hold.rms})`);
    assert.ok(Math.abs(hold.roughHz - 1000) <= 50, `the caller first hears the hold prompt's 1000 Hz: ${hold.roughHz} Hz`);
    const whole = await soxStat({ file: callerHeard });
    const agent = await soxStat({ file: callerHeard, skipS: whole.lengthS - 2.5, durationS: 2 });
    assert.ok(agent.rms > 0.05, `the agent is heard (RMS ${agent.rms})`);
    assert.ok(Math.abs(agent.roughHz - 800) <= 40, `then the agent's 800 Hz: ${agent.roughHz} Hz`);
    await assertTone({ file: calleeHeard, hz: 400, minLengthS: 2 });

    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.disposition, 'ANSWERED');
    const found = await ok('GET', `/api/v1/acd/interactions?callId=${record.id}`);
    const items = (found.body as { items: { outcome: string; agentId: string; offers: { agentId: string; outcome: string }[] }[] }).items;
    assert.equal(items.length, 1);
    assert.equal(items[0]!.outcome, 'answered');
    assert.equal(items[0]!.agentId, 'bo');
    assert.deepEqual(items[0]!.offers.map((o) => [o.agentId, o.outcome]), [['bo', 'answered']]);
    const log = readFileSync(path.join(server.dataDir, 'queue_log'), 'utf8').split('\n').filter((l) => l.includes(`|${record.id}|`)).map((l) => l.split('|')[4]);
    assert.deepEqual(log, ['ENTERQUEUE', 'CONNECT', 'COMPLETECALLER']);
  });
});
