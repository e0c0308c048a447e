// PCI DSS with real phones: a recorded call (HAILING_RECORD_CALLS=all) between baresip 1001 and
// 1002; the agent's side hands the caller to the payment flow (POST /api/v1/calls/{id}/transfer to
// 800, a dial plan 'flow' step), whose card-number gather is marked sensitive. 1001 keys the card
// number (RFC 4733). The recording goes on with the caller after the transfer and the call's record
// lists one pause covering the step; the audit log has the flow's pause and resume; the stored run
// and the record's `ivr` hold no digit of the card; the events stream carried those keys redacted
// (a key before, in the conversation, in full). The prompt reading the number back is not left in
// the TTS cache.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { finalCallRecord } from './helpers/cdrs.js';

const DOMAIN = '127.0.0.1';
const CARD = '4111111111111111';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PAY_FLOW = {
  start: 'card',
  nodes: {
    card: { verb: 'gather', sensitive: true, prompt: { say: 'Key your card number, then hash.' }, var: 'card', minLength: 12, maxLength: 19, terminators: '#', firstDigitTimeoutMs: 15_000, interDigitTimeoutMs: 5000, retries: 0, next: 'thanks', failure: 'thanks' },
    // read back: synthesised for the call alone and deleted once played (not left in the TTS cache)
    thanks: { verb: 'say', text: 'You keyed {{card}}. Thank you.', next: 'bye' },
    bye: { verb: 'hangup' },
  },
};

type DtmfEvent = { type: 'dtmf'; callId: string; leg: string; digit?: string; redacted?: boolean };

describe('IVR step marked sensitive on a recorded call (baresip, RFC 4733)', () => {
  let rig: ExtensionPhones;
  let ws: WebSocket | undefined;
  const dtmf: DtmfEvent[] = [];
  const ok = async (method: string, p: string, body?: unknown) => {
    const r = await rig.server.api(method, p, body);
    assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  };
  before(async () => {
    rig = await startExtensionPhones(['1001', '1002'], { HAILING_RECORD_CALLS: 'all' });
    const { server } = rig;
    const flowId = (await ok('POST', '/api/v1/ivr/flows', { name: 'pay', document: PAY_FLOW }))['id'] as number;
    await ok('POST', '/api/v1/dialplan', { pattern: '800', steps: [{ kind: 'flow', flow: flowId }] });
    ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await server.token()}` } });
    await new Promise<void>((resolve, reject) => {
      ws!.once('open', () => resolve());
      ws!.once('error', reject);
    });
    ws.on('message', (data: Buffer) => {
      const e = JSON.parse(data.toString('utf8')) as DtmfEvent;
      if (e.type === 'dtmf') dtmf.push(e);
    });
  });
  after(async () => {
    ws?.close();
    await rig?.close();
  });

  it('the card keyed in the sensitive gather pauses the recording (audited), is redacted on the events stream and kept nowhere', { timeout: 180_000 }, async (t) => {
    const { server } = rig;
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'auto' });
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(1500);
    // a key in the conversation, before the flow: passed on in full
    await a.sendDigits('5');
    await sleep(1000);
    const listed = await server.api<{ items: { id: string; caller: string; callee: string }[] }>('GET', '/api/v1/calls');
    const live = listed.body.items.find((x) => x.caller === '1001' && x.callee === '1002');
    assert.ok(live, JSON.stringify(listed.body));
    const moved = await server.api('POST', `/api/v1/calls/${live.id}/transfer`, { target: '800' });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 20_000 });
    // the prompt (~2 s of espeak-ng), then the card number and the terminator
    await sleep(3500);
    await a.sendDigits(CARD + '#');
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 40_000 });
    await Promise.all([a.stop(), b.stop()]);

    const record = (await finalCallRecord({ api: server.api.bind(server), number: '1001', ms: 15_000 })) as unknown as {
      id: string;
      recordingPath: string | null;
      recordingDurationMs: number | null;
      recordingPauses: { atMs: number; durationMs: number }[];
      ivr?: { path: string[]; vars: Record<string, string>; attempts: { input: string; result: string }[]; trace: unknown[] };
    };
    assert.equal(record.id, live.id);
    assert.ok(record.recordingPath, `the call was recorded: ${JSON.stringify(record)}`);
    // one pause: from the step's start (after the transfer, ~2.5 s in) to its end after the last key
    // the recording goes on with the caller after the transfer (the callee's channel silent), and
    // lists one pause: from the step's start (after the transfer) to its end after the last key
    assert.ok(record.recordingDurationMs! > 6000, `recorded past the transfer: ${JSON.stringify(record)}`);
    assert.equal(record.recordingPauses.length, 1, JSON.stringify(record));
    const pause = record.recordingPauses[0]!;
    t.diagnostic(`recording ${record.recordingDurationMs} ms, pause at ${pause.atMs} ms for ${pause.durationMs} ms`);
    assert.ok(pause.atMs >= 2000, JSON.stringify(pause));
    assert.ok(pause.durationMs >= 3500, `the pause covers the prompt and the keys: ${JSON.stringify(pause)}`);
    assert.ok(pause.atMs + pause.durationMs <= record.recordingDurationMs!, JSON.stringify(record));

    assert.deepEqual(record.ivr?.path, ['card', 'thanks', 'bye']);
    const cache = readdirSync(path.join(server.dataDir, 'tts-cache'));
    assert.ok(cache.length >= 1 && !cache.some((f) => f.startsWith('transient-')), `the read-back prompt is not left on disk: ${cache.join(' ')}`);
    assert.equal(record.ivr?.vars['card'], '[redacted]');
    assert.deepEqual(record.ivr?.attempts.map((x) => [x.input, x.result]), [['[redacted]', 'ok']]);
    const run = await ok('GET', `/api/v1/ivr/runs/${record.id}`);
    for (const [what, kept] of [
      ['the call record', JSON.stringify(record)],
      ['the stored run', JSON.stringify(run)],
    ] as const)
      assert.ok(!kept.includes(CARD.slice(0, 6)) && !kept.includes(CARD.slice(-4)), `${what} holds no card digits: ${kept}`);

    type Audit = { items: { actor: string; target: string; detail: { via?: string; node?: string } }[] };
    for (const action of ['recording.pause', 'recording.resume']) {
      const rows = await server.api<Audit>('GET', `/api/v1/audit?action=${action}`);
      assert.deepEqual(
        rows.body.items.map((r) => [r.actor, r.target, r.detail.via, r.detail.node]),
        [['ivr', record.id, 'ivr', 'card']],
        action,
      );
    }

    const ofCall = dtmf.filter((e) => e.callId === record.id && e.leg === 'caller');
    assert.equal(ofCall[0]?.digit, '5', `the key in the conversation went out: ${JSON.stringify(ofCall)}`);
    const inStep = ofCall.slice(1);
    assert.equal(inStep.length, CARD.length + 1, `one event per key of the card and the '#': ${JSON.stringify(ofCall)}`);
    for (const e of inStep) assert.deepEqual([e.redacted, e.digit], [true, undefined], JSON.stringify(e));
  });

  it('a caller meeting the flow directly (not recorded): its keys in the sensitive step are still redacted on the events stream', { timeout: 120_000 }, async () => {
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await a.dial(`sip:800@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(3500);
    await a.sendDigits(CARD + '#');
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 40_000 });
    await a.stop();
    const record = (await finalCallRecord({ api: rig.server.api.bind(rig.server), number: '1001', ms: 15_000 })) as unknown as { id: string; recordingPath: string | null; ivr?: { vars: Record<string, string> } };
    assert.equal(record.recordingPath, null, 'a flow alone is not recorded');
    assert.equal(record.ivr?.vars['card'], '[redacted]');
    const ofCall = dtmf.filter((e) => e.callId === record.id);
    assert.equal(ofCall.length, CARD.length + 1, JSON.stringify(ofCall));
    for (const e of ofCall) assert.deepEqual([e.redacted, e.digit], [true, undefined], JSON.stringify(e));
  });
});
