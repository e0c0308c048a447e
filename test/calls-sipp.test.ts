// SIPp places an authenticated call through Hailing (issue 18, finding 11). SIPp computes its digest
// `uri` as sip:host:port of the target rather than the Request-URI; Kamailio accepts that, and so
// must Hailing, or the most common SIP load tool cannot call through it. Debian's SIPp 3.6.1 knows
// only MD5, so Hailing runs with HAILING_DIGEST_ALGORITHMS=MD5 (README: load-testing with SIPp).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { ANSWER_SCENARIO, INVITE_SCENARIO, REGISTER_SCENARIO, SIPP_HAILING_ENV, injectUser, runSipp } from './helpers/sipp.js';

describe('SIPp calls through Hailing', () => {
  let server: HailingProcess;
  before(async () => {
    server = await startHailing({ env: { ...SIPP_HAILING_ENV } });
    for (const number of ['6001', '6002']) {
      const r = await server.api('POST', '/api/v1/extensions', { number, password: `password-${number}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(async () => {
    await server?.kill('SIGKILL');
  });

  it('issue 18, finding 11: an INVITE authenticated by SIPp (digest uri sip:host:port) is answered and connected', async () => {
    const target = `127.0.0.1:${server.ports.sip}`;
    const calleePort = await freePort();
    // the callee registers from the port where a second SIPp will answer
    const registered = await runSipp({ scenario: REGISTER_SCENARIO, target, inject: [injectUser('6002', 'password-6002')], calls: 1, rate: 1, localPort: calleePort, timeoutSeconds: 20 });
    assert.equal(registered.stats?.successful, 1, `${registered.errors}\n${registered.output}`);
    const callee = runSipp({ scenario: ANSWER_SCENARIO, calls: 1, rate: 1, localPort: calleePort, timeoutSeconds: 40 });
    const caller = await runSipp({
      scenario: INVITE_SCENARIO,
      target,
      inject: [injectUser('6001', 'password-6001')],
      calls: 1,
      rate: 1,
      timeoutSeconds: 30,
      args: ['-s', '6002'],
    });
    const answered = await callee;
    assert.equal(caller.stats?.successful, 1, `caller: ${caller.errors.slice(0, 4000)}\n${caller.output.slice(-2000)}`);
    assert.equal(answered.stats?.successful, 1, `callee: ${answered.errors.slice(0, 4000)}`);
    const record = await finalCallRecord({ api: server.api, number: '6001' });
    assert.equal(record.disposition, 'ANSWERED');
    assert.equal(record.callee, '6002');
  });
});
