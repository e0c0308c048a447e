// Acceptance (issue 15) with real phones: baresip 1001 dials 800, a dial plan 'flow' step. It hears
// the flow's TTS prompts (flite, Hailing's English voice; length and level measured with sox against flite's own
// rendering), presses 2 (RFC 4733) and reaches the queue the flow names, where the agent's phone
// (baresip 1002) rings. A second call fails three times at the menu (an invalid key, a timeout,
// another invalid key) and reaches the same agent through the fallback; the variables, the path
// and the attempts are on the call record and in the ACD event the agent's side receives. The
// simulator, given the same keys, walks the same path as each real call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderEnglishPrompt } from './helpers/audio.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { finalCallRecord } from './helpers/cdrs.js';
import type { Phone } from './helpers/baresip.js';

const DOMAIN = '127.0.0.1';
const WELCOME = 'Welcome to Hailing support.';
const MENU = 'For your balance press 1. For an agent press 2.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const FLOW = {
  start: 'welcome',
  fallback: { queue: 'support' },
  vars: { line: 'support' },
  nodes: {
    welcome: { verb: 'say', text: WELCOME, next: 'main' },
    main: { verb: 'menu', prompt: { say: MENU }, choices: { '1': 'bye', '2': 'agent', '3': 'message' }, timeoutMs: 4000, invalidPrompt: { say: 'Sorry.' }, timeoutPrompt: { say: 'Again.' } },
    agent: { verb: 'enqueue', queue: 'support', priority: 5 },
    message: { verb: 'voicemail', mailbox: '1002' },
    bye: { verb: 'hangup' },
  },
};

/** seconds and RMS of `file` (from `skipS`, for `durationS`) between its first and last sound above 1 % */
function speechExtent(file: string, o: { skipS?: number; durationS?: number } = {}): { lengthS: number; rms: number } {
  const trim = o.skipS !== undefined ? ['trim', String(o.skipS), ...(o.durationS !== undefined ? [String(o.durationS)] : [])] : [];
  const r = spawnSync('sox', [file, '-n', 'remix', '1', ...trim, 'silence', '1', '0.02', '1%', 'reverse', 'silence', '1', '0.02', '1%', 'reverse', 'stat'], { encoding: 'utf8' });
  const field = (re: RegExp): number => Number(re.exec(r.stderr)?.[1] ?? NaN);
  return { lengthS: field(/Length \(seconds\):\s+([0-9.]+)/), rms: field(/RMS\s+amplitude:\s+([0-9.]+)/) };
}

/** the events WebSocket, keeping the ACD's offer and connect events (what the agent's screen gets) */
async function watchAcd(server: HailingProcess) {
  const ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await server.token()}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events: { type: string; callId: string | null; agentIds: string[]; attached: Record<string, unknown> | null }[] = [];
  ws.on('message', (data: Buffer) => {
    const e = JSON.parse(data.toString('utf8')) as (typeof events)[number];
    if (e.type === 'acd.offer' || e.type === 'acd.connected') events.push(e);
  });
  return {
    async connected(callId: string, ms = 30_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = events.find((e) => e.type === 'acd.connected' && e.callId === callId);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no acd.connected for ${callId}: ${JSON.stringify(events)}`);
        await sleep(100);
      }
    },
    close: () => ws.close(),
  };
}

describe("IVR flow as a dial plan 'flow' step (baresip, RFC 4733)", () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;
  let tmp: string;
  let flowId: number;
  let acd: Awaited<ReturnType<typeof watchAcd>>;

  const ok = async (method: string, p: string, body?: unknown) => {
    const r = await server.api(method, p, body);
    assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    server = rig.server;
    tmp = mkdtempSync(path.join(tmpdir(), 'hailing-ivr-'));
    await ok('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support', ringTimeoutS: 30 });
    await ok('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: '1002', pin: '4321' });
    await ok('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'support' });
    await ok('POST', '/api/v1/acd/agents/bo/state', { action: 'login' });
    flowId = (await ok('POST', '/api/v1/ivr/flows', { name: 'support', document: FLOW }))['id'] as number;
    await ok('POST', '/api/v1/dialplan', { pattern: '800', steps: [{ kind: 'flow', flow: flowId }] });
    await ok('PUT', '/api/v1/extensions/1002/mailbox', { pin: '4321', maxMessageS: 30 });
    acd = await watchAcd(server);
  });
  after(async () => {
    acd?.close();
    await rig?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** the agent answers the offered call, then the caller hangs up; the record of the caller's call */
  async function agentAnswers(caller: Phone, agent: Phone) {
    await agent.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 30_000 });
    await sleep(300);
    await agent.command('accept');
    await agent.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    await sleep(1000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await agent.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    const record = (await finalCallRecord({ api: server.api.bind(server), number: '1001', ms: 15_000 })) as unknown as { id: string; ivr?: Record<string, unknown> };
    return record;
  }

  const simulatedPath = async (answers: unknown[]) => ((await ok('POST', `/api/v1/ivr/flows/${flowId}/simulate`, { answers }))['context'] as { path: string[] }).path;

  it('the caller hears the TTS prompts, presses 2 and reaches the queue the flow names; the simulator walks the same path', { timeout: 180_000 }, async (t) => {
    const reference = path.join(tmp, 'ref.wav');
    renderEnglishPrompt(reference, `${WELCOME} ${MENU}`);
    const want = speechExtent(reference);
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await a.dial(`sip:800@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // both prompts play out before the key (the menu waits 4 s after its prompt)
    await sleep(want.lengthS * 1000 + 1500);
    await a.sendDigits('2');
    const record = await agentAnswers(a, b);
    await a.stop();
    await b.stop();
    const [heard] = a.decodedDumps();
    const got = speechExtent(heard!, { skipS: 0, durationS: want.lengthS + 1.2 });
    const db = 20 * Math.log10(got.rms / want.rms);
    t.diagnostic(`prompts heard ${got.lengthS} s at RMS ${got.rms}; flite ${want.lengthS} s at RMS ${want.rms} (${db.toFixed(2)} dB)`);
    assert.ok(got.lengthS >= want.lengthS * 0.8, `speech lasts ${got.lengthS} s; flite renders ${want.lengthS} s (the two prompts)`);
    assert.ok(Math.abs(db) <= 6, `speech level ${db.toFixed(1)} dB from flite's`);
    const ivr = record.ivr as { path: string[]; outcome: string; version: number; trace: { node: string; input?: string }[] };
    assert.ok(ivr, `the record names the flow run: ${JSON.stringify(record)}`);
    assert.deepEqual(ivr.path, ['welcome', 'main', 'agent']);
    assert.equal(ivr.outcome, 'enqueue');
    assert.equal(ivr.trace.find((s) => s.node === 'main')?.input, '2');
    const connected = await acd.connected(record.id);
    assert.deepEqual(connected.agentIds, ['bo']);
    assert.deepEqual((connected.attached as { path: string[] }).path, ['welcome', 'main', 'agent']);
    assert.deepEqual(await simulatedPath([{ dtmf: '2' }]), ivr.path);
    const run = await ok('GET', `/api/v1/ivr/runs/${record.id}`);
    assert.equal(run['outcome'], 'enqueue');
  });

  it('three failures (invalid, timeout, invalid) end at the agent with variables, path and attempts on the record and in the agent event', { timeout: 180_000 }, async () => {
    const want = speechExtent(path.join(tmp, 'ref.wav'));
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await a.dial(`sip:800@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(want.lengthS * 1000 + 1500);
    await a.sendDigits('9');
    // "Sorry." and the menu again, then the 4 s timeout passes with no key
    await sleep(want.lengthS * 1000 + 6000);
    await a.sendDigits('7');
    const record = await agentAnswers(a, b);
    await a.stop();
    await b.stop();
    const ivr = record.ivr as { path: string[]; outcome: string; failures: number; vars: Record<string, string>; attempts: { input: string; result: string }[] };
    assert.equal(ivr.outcome, 'fallback');
    assert.equal(ivr.failures, 3);
    assert.deepEqual(ivr.path, ['welcome', 'main']);
    assert.deepEqual(ivr.attempts.map((x) => [x.input, x.result]), [['9', 'invalid'], ['', 'timeout'], ['7', 'invalid']]);
    assert.equal(ivr.vars['line'], 'support');
    assert.equal(ivr.vars['caller'], '1001');
    const connected = await acd.connected(record.id);
    const attached = connected.attached as { path: string[]; failures: number; vars: Record<string, string>; attempts: { input: string; result: string }[] };
    assert.deepEqual(attached.path, ivr.path);
    assert.equal(attached.failures, 3);
    assert.deepEqual(attached.attempts, ivr.attempts);
    assert.equal(attached.vars['line'], 'support');
    assert.deepEqual(await simulatedPath([{ dtmf: '9' }, { timeout: true }, { dtmf: '7' }]), ivr.path);
  });

  it("pressing 3 reaches the 'voicemail' verb: the caller's message lands in 1002's mailbox and the record says so", { timeout: 180_000 }, async () => {
    const want = speechExtent(path.join(tmp, 'ref.wav'));
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await a.dial(`sip:800@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(want.lengthS * 1000 + 1500);
    await a.sendDigits('3');
    // the default spoken greeting (~7 s) and the beep, then 1001's 400 Hz tone is the message
    await sleep(16_000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await a.stop();
    const record = (await finalCallRecord({ api: server.api.bind(server), number: '1001', ms: 15_000 })) as unknown as { ivr?: { path: string[]; outcome: string } };
    assert.equal(record.ivr?.outcome, 'voicemail');
    assert.deepEqual(record.ivr?.path, ['welcome', 'main', 'message']);
    const deadline = Date.now() + 15_000;
    let items: { caller: string; durationMs: number }[] = [];
    while (Date.now() < deadline) {
      items = (await ok('GET', '/api/v1/extensions/1002/mailbox/messages'))['items'] as typeof items;
      if (items.length > 0) break;
      await sleep(250);
    }
    assert.equal(items.length, 1, 'one message in 1002\'s mailbox');
    assert.equal(items[0]!.caller, '1001');
    assert.ok(items[0]!.durationMs >= 1000, `message of ${items[0]!.durationMs} ms`);
    assert.deepEqual(await simulatedPath([{ dtmf: '3' }]), record.ivr?.path);
  });
});
