// Acceptance: supervisor monitoring with real SIP phones (baresip). 1001 (the customer, 400 Hz)
// calls 1002 (the agent, 800 Hz); the supervisor 1004 (1600 Hz, permission class 'monitor') dials
// *222 1002 (listen), then switches with DTMF 5 (whisper), 6 (barge) and 4 (listen), and later
// dials *223 1002 (whisper) and *224 1002 (barge) directly; the last monitoring ends when the
// customer hangs up (Hailing hangs up on the supervisor). In each mode, over a stretch after the
// switch (the dumps are continuous, so wall-clock moments are mapped into each file):
//   listen:  the supervisor hears both parties; neither party hears the supervisor;
//   whisper: the agent hears the supervisor, the customer does not;
//   barge:   both parties hear the supervisor.
// When the supervisor hangs up, the two parties still hear each other (the relay is back). An
// extension without 'monitor' dialling *2221002 is refused with 403; a second supervisor of a call
// already monitored with 486 Busy Here.
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { assertRecord, finalCallRecord, listCallRecords } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import type { ToneLevels } from './helpers/tones.js';
import { assertHeard, heardDuring, monitorExpectations, MODE_MS, type Mode, type Stretch } from './helpers/monitor-audio.js';

const DOMAIN = '127.0.0.1';
const CUSTOMER = '1001';
const AGENT = '1002';
const OTHER = '1003';
const SUPERVISOR = '1004';
const HZ: Record<string, number> = { [CUSTOMER]: 400, [AGENT]: 800, [OTHER]: 1000, [SUPERVISOR]: 1600 };
const MEASURED_HZ = [HZ[CUSTOMER]!, HZ[AGENT]!, HZ[SUPERVISOR]!];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const EXPECT = monitorExpectations({ customer: CUSTOMER, agent: AGENT, supervisor: SUPERVISOR });
const heard = (phone: Phone, call: number, stretch: Stretch) => heardDuring({ phone, call, stretch, hz: MEASURED_HZ });
const check = (t: TestContext, who: string, stretch: Stretch, levels: ToneLevels) => assertHeard({ t, who, stretch, heard: levels, hz: HZ, expect: EXPECT });

describe('supervisor monitoring: listen, whisper and barge with baresip phones', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    for (const n of [CUSTOMER, AGENT, OTHER, SUPERVISOR]) {
      const permissions = n === SUPERVISOR ? ['internal', 'monitor'] : ['internal'];
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}`, permissions });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill();
  });

  const registered = (user: string) =>
    registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: HZ[user]!, answerMode: 'auto' }, phones);

  /** resolves once Hailing logged the n-th mode change (the digit reached the room) */
  const modeChanges = () => server.output().split('\n').filter((l) => l.includes('monitoring mode changed')).length;
  const waitModeChange = async (count: number) => {
    const deadline = Date.now() + 5000;
    while (modeChanges() < count) {
      if (Date.now() > deadline) throw new Error(`no mode change #${count} in Hailing's log:\n${server.output().slice(-4000)}`);
      await sleep(50);
    }
  };

  it('the supervisor hears and is heard as each mode says; a non-supervisor gets 403, a second supervisor 486; the relay comes back', async (t) => {
    const [customer, agent, other, supervisor] = await Promise.all([CUSTOMER, AGENT, OTHER, SUPERVISOR].map(registered));
    assert.ok(customer && agent && other && supervisor);

    await customer.dial(`sip:${AGENT}@${DOMAIN}`);
    await customer.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await agent.waitForEvent({ type: 'CALL_ESTABLISHED' });

    // the permission model: monitoring needs the 'monitor' class
    await other.dial(`sip:*222${AGENT}@${DOMAIN}`);
    const refused = await other.waitForEvent({ type: 'CALL_CLOSED' });
    assert.match(refused.param ?? '', /^403\b/);

    const stretches: Stretch[] = [];
    let supervisorCalls = 0;
    const hold = async (what: string, mode: Mode, supervisorCall: number | null) => {
      const from = Date.now();
      await sleep(MODE_MS);
      stretches.push({ what, mode, from, to: Date.now(), supervisorCall });
    };
    const superviseBy = async (code: string) => {
      const since = supervisor.events.length;
      await supervisor.dial(`sip:${code}${AGENT}@${DOMAIN}`);
      await supervisor.waitForEvent({ type: 'CALL_ESTABLISHED', since });
      return supervisorCalls++;
    };
    const hangUpSupervisor = async () => {
      const since = supervisor.events.length;
      await supervisor.hangup();
      await supervisor.waitForEvent({ type: 'CALL_CLOSED', since });
    };

    const first = await superviseBy('*222');
    await hold('*222 (listen)', 'listen', first);
    let changes = 0;
    for (const [digit, mode] of [['5', 'whisper'], ['6', 'barge'], ['4', 'listen']] as const) {
      await supervisor.sendDigits(digit);
      await waitModeChange(++changes);
      await hold(`DTMF ${digit} (${mode})`, mode, first);
    }
    await hangUpSupervisor();
    await hold('after the supervisor hung up', 'relay', null);

    const second = await superviseBy('*223');
    await hold('*223 (whisper)', 'whisper', second);
    await hangUpSupervisor();
    await hold('after the supervisor hung up again', 'relay', null);

    const third = await superviseBy('*224');
    await hold('*224 (barge)', 'barge', third);
    // one supervisor per call: a second one (1003, now with 'monitor') is told 486 Busy Here
    const patched = await server.api('PATCH', `/api/v1/extensions/${OTHER}`, { permissions: ['internal', 'monitor'] });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const since = other.events.length;
    await other.dial(`sip:*222${AGENT}@${DOMAIN}`);
    const busy = await other.waitForEvent({ type: 'CALL_CLOSED', since });
    assert.match(busy.param ?? '', /^486\b/);

    // the monitored call ends: Hailing hangs up on the supervisor too
    const supervisorSince = supervisor.events.length;
    await customer.hangup();
    await customer.waitForEvent({ type: 'CALL_CLOSED' });
    await agent.waitForEvent({ type: 'CALL_CLOSED' });
    await supervisor.waitForEvent({ type: 'CALL_CLOSED', since: supervisorSince });

    for (const s of stretches) {
      check(t, CUSTOMER, s, await heard(customer, 0, s));
      check(t, AGENT, s, await heard(agent, 0, s));
      if (s.supervisorCall !== null) check(t, SUPERVISOR, s, await heard(supervisor, s.supervisorCall, s));
    }

    const monitored = await finalCallRecord({ api: server.api, number: CUSTOMER });
    assertRecord(monitored, { caller: CUSTOMER, callee: AGENT, disposition: 'ANSWERED', hangupBy: 'caller' });
    const supervised = (await listCallRecords(server.api, SUPERVISOR)).filter((r) => r.caller === SUPERVISOR);
    assert.deepEqual(
      supervised.map((r) => [r.callee, r.disposition, r.hangupBy]).reverse(),
      [
        [`*222${AGENT}`, 'ANSWERED', 'caller'],
        [`*223${AGENT}`, 'ANSWERED', 'caller'],
        [`*224${AGENT}`, 'ANSWERED', 'system'],
      ],
      JSON.stringify(supervised),
    );
    const refusals = (await listCallRecords(server.api, OTHER)).filter((r) => r.caller === OTHER);
    assert.deepEqual(
      refusals.map((r) => [r.callee, r.disposition, r.sipStatus]).reverse(),
      [
        [`*222${AGENT}`, 'FAILED', 403],
        [`*222${AGENT}`, 'BUSY', 486],
      ],
      JSON.stringify(refusals),
    );
  });
});
