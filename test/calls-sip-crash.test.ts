// Acceptance: kill -9 during 20 active calls. Every completed call's record is present after the
// restart, and the 20 calls that were up are closed as INTERRUPTED. Phones are node-sip user agents.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { listCallRecords } from './helpers/cdrs.js';
import { startSipCallRig } from './helpers/sip-call-rig.js';
import type { SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.5';
const COMPLETED = 5;
const ACTIVE = 20;
const CALLER = '7000';
const callees = Array.from({ length: ACTIVE }, (_, i) => String(7001 + i));
const password = (n: string) => `pw-${n}-secret`;

describe('call records survive a crash', () => {
  let server: HailingProcess | undefined;
  const uas: SipUa[] = [];
  after(async () => {
    for (const u of uas) await u.close();
    await server?.kill('SIGKILL');
  });

  it(`${COMPLETED} completed calls, ${ACTIVE} up, kill -9, restart: ${COMPLETED} ANSWERED with their end, ${ACTIVE} INTERRUPTED`, { timeout: 120_000 }, async () => {
    // no media is sent: the media timeout stays out of the way (0 disables it)
    const env = { HAILING_MEDIA_TIMEOUT_MS: '0' };
    server = await startHailing({ env });
    const { phone, caller, answered } = await startSipCallRig({ server, caller: CALLER, callees, password, address: PHONES, domain: DOMAIN, uas });
    const completed: string[] = [];
    for (let i = 0; i < COMPLETED; i++) {
      const call = caller.call({ to: callees[i] ?? '', user: CALLER, password: password(CALLER) });
      const dialog = await answered(call);
      assert.equal((await dialog.sendBye()).status, 200);
      completed.push(call.callId);
    }
    const active = callees.map((to) => caller.call({ to, user: CALLER, password: password(CALLER) }));
    await Promise.all(active.map(answered));
    // every callee got its ACK: all 20 calls are fully up
    await within(Promise.all(phone.calls.map((c) => c.ack)), 10_000, 'the ACKs at the callees');

    // Records reach the database through a batching writer, so an answer in the last instant before a
    // crash may be lost. The calls are "active" once the API (which reads the database) lists them
    // in progress and answered; wait for that, bounded and not asserted: what was listed must survive.
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const listed = await listCallRecords(server.api, CALLER);
      if (listed.filter((c) => c.disposition === null && c.answeredAt !== null).length >= ACTIVE) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    assert.equal(await server.kill('SIGKILL'), null);
    server = await startHailing({ dataDir: server.dataDir, env });

    const callIdOf = (c: { legs: { role: string; sipCallId: string }[] }) => c.legs.find((l) => l.role === 'caller')?.sipCallId ?? '';
    const activeIds = active.map((c) => c.callId).sort();
    let records = await listCallRecords(server.api, CALLER);
    const until = Date.now() + 5000;
    while (records.filter((c) => c.disposition === 'INTERRUPTED').length < ACTIVE && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
      records = await listCallRecords(server.api, CALLER);
    }
    const summary = JSON.stringify(records.map((c) => ({ callId: callIdOf(c), disposition: c.disposition, endedAt: c.endedAt })));
    assert.equal(records.length, COMPLETED + ACTIVE, summary);

    const done = records.filter((c) => completed.includes(callIdOf(c)));
    assert.equal(done.length, COMPLETED, summary);
    for (const c of done) {
      assert.equal(c.disposition, 'ANSWERED', summary);
      assert.equal(c.hangupCause, 'normal-clearing');
      assert.equal(c.hangupBy, 'caller');
      assert.notEqual(c.answeredAt, null);
      assert.notEqual(c.endedAt, null);
    }
    const interrupted = records.filter((c) => c.disposition === 'INTERRUPTED');
    assert.deepEqual(interrupted.map(callIdOf).sort(), activeIds, summary);
    for (const c of interrupted) {
      assert.notEqual(c.answeredAt, null, 'they were answered before the crash');
      assert.notEqual(c.endedAt, null, 'closed on restart');
    }
  });
});
