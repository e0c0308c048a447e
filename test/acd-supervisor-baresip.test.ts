// Acceptance (issue 17): a supervisor listens, whispers and barges on an agent's queue call, with
// real phones. baresip 1001 (the customer, 400 Hz) dials the queue; the agent at 1002 (800 Hz)
// answers the offer; the supervisor 1004 (1600 Hz, class 'monitor') asks the API for the agent's
// codes, dials *222 1002 (listen), then switches with DTMF 5 (whisper) and 6 (barge). A queue
// call's callee is the queue's number, so the monitor finds it through the ACD (the agent's work).
// In each mode, over a stretch after the switch, measured in the decoded dumps:
//   listen: the supervisor hears both, neither party hears the supervisor;
//   whisper: the agent hears the supervisor, the customer does not;  barge: both do.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { assertHeard, heardDuring, monitorExpectations, MODE_MS, type Mode, type Stretch } from './helpers/monitor-audio.js';

const DOMAIN = '127.0.0.1';
const [CUSTOMER, AGENT, SUPERVISOR] = ['1001', '1002', '1004'] as const;
const HZ: Record<string, number> = { [CUSTOMER]: 400, [AGENT]: 800, [SUPERVISOR]: 1600 };
const MEASURED = Object.values(HZ);
const EXPECT = monitorExpectations({ customer: CUSTOMER, agent: AGENT, supervisor: SUPERVISOR });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ACD supervisor on a queue call (baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;

  before(async () => {
    rig = await startExtensionPhones([CUSTOMER, AGENT]);
    server = rig.server;
    const r = await server.api('POST', '/api/v1/extensions', { number: SUPERVISOR, password: `secret-${SUPERVISOR}`, displayName: 'Supervisor', permissions: ['internal', 'monitor'] });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });

  after(() => rig?.close());

  it('the supervisor listens, whispers and barges on the agent’s queue call, each heard as its mode says', { timeout: 180_000 }, async (t) => {
    const ok = async (method: string, p: string, body?: unknown) => {
      const r = await server.api(method, p, body);
      assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
      return r;
    };
    await ok('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales', ringTimeoutS: 30 });
    await ok('POST', '/api/v1/acd/agents', { id: 'bo', name: 'Bo', extension: AGENT, pin: '4321' });
    await ok('POST', '/api/v1/acd/memberships', { agentId: 'bo', queueId: 'sales' });
    await ok('POST', '/api/v1/dialplan', { pattern: '700', steps: [{ kind: 'queue', queue: 'sales' }] });
    await ok('POST', '/api/v1/acd/agents/bo/state', { action: 'login' });
    const customer = await rig.phone(CUSTOMER, { tone: HZ[CUSTOMER]!, answerMode: 'auto' });
    const agent = await rig.phone(AGENT, { tone: HZ[AGENT]!, answerMode: 'auto' });
    const supervisor = await rig.phone(SUPERVISOR, { tone: HZ[SUPERVISOR]!, answerMode: 'auto' });
    await customer.dial(`sip:700@${DOMAIN}`);
    await agent.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    const monitor = await ok('GET', '/api/v1/acd/agents/bo/monitor');
    const codes = (monitor.body as { callId: string | null; codes: Record<string, string> });
    assert.ok(codes.callId, 'the agent is on a queue call');

    const stretches: Stretch[] = [];
    const hold = async (what: string, mode: Mode) => {
      const from = Date.now();
      await sleep(MODE_MS);
      stretches.push({ what, mode, from, to: Date.now(), supervisorCall: 0 });
    };
    await supervisor.dial(`sip:${codes.codes['listen']}@${DOMAIN}`);
    await supervisor.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await hold(`${codes.codes['listen']} (listen)`, 'listen');
    let changes = 0;
    const modeChanges = () => server.output().split('\n').filter((l) => l.includes('monitoring mode changed')).length;
    for (const [digit, mode] of [['5', 'whisper'], ['6', 'barge']] as const) {
      await supervisor.sendDigits(digit);
      changes++;
      const deadline = Date.now() + 10_000;
      while (modeChanges() < changes) {
        assert.ok(Date.now() < deadline, `no mode change #${changes} in Hailing's log`);
        await sleep(50);
      }
      await hold(`DTMF ${digit} (${mode})`, mode);
    }
    // the customer hangs up: the agent's call and the supervisor's end
    const since = supervisor.events.length;
    await customer.hangup();
    await customer.waitForEvent({ type: 'CALL_CLOSED' });
    await agent.waitForEvent({ type: 'CALL_CLOSED' });
    await supervisor.waitForEvent({ type: 'CALL_CLOSED', since });
    for (const s of stretches) {
      for (const [who, phone] of [[CUSTOMER, customer], [AGENT, agent], [SUPERVISOR, supervisor]] as const) {
        assertHeard({ t, who, stretch: s, heard: await heardDuring({ phone, call: 0, stretch: s, hz: MEASURED }), hz: HZ, expect: EXPECT });
      }
    }
  });
});
