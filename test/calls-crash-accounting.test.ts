// Crash accounting (issue 18, finding 12), black-box with the real process and node-sip phones:
// - a call whose BYE Hailing answered 200 keeps its completion through a kill -9 right after the 200
//   (the phone was told the call ended normally; the record must say so, not INTERRUPTED);
// - a call cut off by kill -9 ends when the process was last known alive, so the downtime before
//   the restart is never part of its duration or billed seconds.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { finalCallRecord, type CallRecord } from './helpers/cdrs.js';
import { startSipCallRig } from './helpers/sip-call-rig.js';
import type { SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const PHONES = '127.0.0.6';
const CALLER = '7100';
const password = (n: string) => `pw-${n}-secret`;
// no media is sent: the media timeout stays out of the way (0 disables it)
const env = { HAILING_MEDIA_TIMEOUT_MS: '0' };
/** the default heartbeat interval (HAILING_HEARTBEAT_INTERVAL_MS) */
const HEARTBEAT_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (iso: string | null): number => (iso === null ? Number.NaN : Date.parse(iso));

describe('crash accounting', () => {
  const servers: HailingProcess[] = [];
  const uas: SipUa[] = [];
  // every process a test started is killed, even when the test failed half-way
  const start = async (dataDir?: string): Promise<HailingProcess> => {
    // a restart takes fresh ports: nothing reaches the old ones afterwards, and no other suite's
    // server can have taken them in the meantime
    const s = await startHailing({ env, ...(dataDir ? { dataDir } : {}) });
    servers.push(s);
    return s;
  };
  after(async () => {
    for (const u of uas) await u.close();
    for (const s of servers) await s.kill('SIGKILL');
  });

  it('RFC 3261 15.1.2: a call whose BYE was answered 200 is stored complete even when the process is killed -9 right after the 200', { timeout: 120_000 }, async (t) => {
    const callees = ['7101', '7102', '7103'];
    let server = await start();
    const { phone, caller, answered } = await startSipCallRig({ server, caller: CALLER, callees, password, address: PHONES, domain: DOMAIN, uas });
    const calls = callees.map((to) => caller.call({ to, user: CALLER, password: password(CALLER) }));
    const dialogs = await Promise.all(calls.map(answered));
    await within(Promise.all(phone.calls.map((c) => c.ack)), 10_000, 'the ACKs at the callees');

    const byeSent = performance.now();
    const oks = await Promise.all(dialogs.map((d) => d.sendBye()));
    const answeredAfter = performance.now() - byeSent;
    // the instant the last 200 is in: nothing more may reach the database
    const killed = server.kill('SIGKILL');
    assert.deepEqual(
      oks.map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(await killed, null);
    server = await start(server.dataDir);

    const records: CallRecord[] = [];
    for (const call of calls) records.push(await finalCallRecord({ api: server.api, number: CALLER, callId: call.callId }));
    const complete = records.filter((r) => r.disposition === 'ANSWERED').length;
    t.diagnostic(`3 BYEs answered 200 within ${answeredAfter.toFixed(1)} ms, kill -9 at once: ${complete} of 3 records complete`);
    for (const r of records) {
      const summary = JSON.stringify(r);
      assert.equal(r.disposition, 'ANSWERED', summary);
      assert.equal(r.hangupCause, 'normal-clearing', summary);
      assert.equal(r.hangupBy, 'caller', summary);
      assert.ok(r.endedAt !== null && r.answeredAt !== null, summary);
      for (const leg of r.legs) assert.notEqual(leg.endedAt, null, summary);
    }
  });

  it('an answered call cut off by kill -9 ends when the process was last known alive, not at the restart', { timeout: 120_000 }, async (t) => {
    let server = await start();
    const { phone, caller, answered } = await startSipCallRig({ server, caller: CALLER, callees: ['7111'], password, address: PHONES, domain: DOMAIN, uas });
    const call = caller.call({ to: '7111', user: CALLER, password: password(CALLER) });
    await answered(call);
    await within(Promise.all(phone.calls.map((c) => c.ack)), 10_000, 'the ACK at the callee');
    // the call is up for a while, longer than the heartbeat's bound below
    await sleep(4 * HEARTBEAT_MS);
    const killedAt = Date.now();
    assert.equal(await server.kill('SIGKILL'), null);
    const DOWNTIME_MS = 6000;
    await sleep(DOWNTIME_MS);
    const restartAt = Date.now();
    server = await start(server.dataDir);

    const r = await finalCallRecord({ api: server.api, number: CALLER, callId: call.callId });
    const summary = JSON.stringify(r);
    assert.equal(r.disposition, 'INTERRUPTED', summary);
    const end = ms(r.endedAt);
    const answer = ms(r.answeredAt);
    const up = (killedAt - answer) / 1000;
    t.diagnostic(
      `answered ${up.toFixed(1)} s, kill -9, restart ${((restartAt - killedAt) / 1000).toFixed(1)} s later: ` +
        `end ${end - killedAt} ms from the kill, billed ${r.billableS} s, duration ${r.durationS} s`,
    );
    // what was stored before the kill is all the restart knows: the end can be no later than the kill
    assert.ok(end <= killedAt, `the end (${r.endedAt}) includes downtime after the kill at ${new Date(killedAt).toISOString()}: ${summary}`);
    // and no earlier than the last heartbeats (allowing a few intervals for a busy machine)
    assert.ok(end >= killedAt - 3 * HEARTBEAT_MS, `the end (${r.endedAt}) is earlier than the process was known alive: ${summary}`);
    assert.ok(r.billableS !== null && r.billableS <= Math.ceil(up), summary);
    for (const leg of r.legs) assert.ok(leg.endedAt !== null && ms(leg.endedAt) <= killedAt, summary);
  });
});
