// PCI DSS keypad pause: in a recorded call between two baresip phones, the callee keys the pause
// code (*1, RFC 4733) before a card number would be read out and again after; the call record lists
// exactly that pause (the recorder writes silence for a pause: media/recorder tests).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('recording paused and resumed from the keypad (*1)', () => {
  const phones: Phone[] = [];
  let server: HailingProcess | undefined;
  after(async () => {
    await stopPhones(phones);
    await server?.kill('SIGKILL');
  });

  it("the callee's *1 pauses the call's recording and the next *1 resumes it; the record lists the pause", { timeout: 90_000 }, async () => {
    const hailing = await startHailing({ env: { HAILING_RECORD_CALLS: 'all' } });
    server = hailing;
    await withExtensions(hailing, ['1001', '1002']);
    const phone = (user: string, tone: number) =>
      registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: hailing.ports.sip }, transport: 'udp', tone, answerMode: 'auto' }, phones);
    const a = await phone('1001', 600);
    const b = await phone('1002', 800);
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(1500);
    await b.sendDigits('*1');
    await sleep(2500);
    await b.sendDigits('*1');
    await sleep(1500);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });

    const record = await finalCallRecord({ api: hailing.api, number: '1001', ms: 15_000 });
    const pauses = (record as unknown as { recordingPauses: { atMs: number; durationMs: number }[] }).recordingPauses;
    assert.equal(pauses.length, 1, JSON.stringify(pauses));
    const [p] = pauses as [{ atMs: number; durationMs: number }];
    // keyed ~1.5 s into the call, resumed ~2.5 s later (each code takes baresip a few hundred ms to send)
    assert.ok(p.atMs >= 1000 && p.atMs <= 3500, JSON.stringify(p));
    assert.ok(p.durationMs >= 1500 && p.durationMs <= 4000, JSON.stringify(p));
    // both toggles are in the audit log, by the extension that keyed them
    for (const action of ['recording.pause', 'recording.resume']) {
      type Rows = { items: { actor: string; target: string; detail: { via?: string } }[] };
      const rows: { status: number; body: Rows } = await hailing.api<Rows>('GET', `/api/v1/audit?action=${action}`);
      assert.deepEqual(
        rows.body.items.map((r) => [r.actor, r.target, r.detail.via]),
        [['extension 1002', record.id, 'keypad']],
        action,
      );
    }
  });
});
