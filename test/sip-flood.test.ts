// Issue 18 §9: 100 sources sending REGISTER with bogus Authorization at 5,000/s in all took
// legitimate registrations from another address down to 82.5 % and lost monitoring OPTIONS. The
// flood must be shed before it costs parsing and digest work: the phone's registrations succeed
// (≥ 99 %) and every OPTIONS ping is answered (within RFC 3261 §17.1.2.2 retransmissions).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { runFlood } from './helpers/sip-flood.js';

const rssMb = (pid: number): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

describe('REGISTER flood with bogus credentials from 100 sources (issue 18 §9)', () => {
  let server: HailingProcess;
  before(async () => {
    server = await startHailing({});
    const created = await server.api('POST', '/api/v1/extensions', { number: '1001', password: 'pw-1001-secret', displayName: 'phone' });
    assert.equal(created.status, 201);
  });
  after(async () => {
    await server?.kill('SIGKILL');
  });

  it('a legitimate phone on another address still registers (≥ 99 %), every monitoring OPTIONS is answered, the flood is shed before the SIP core and memory stays bounded', async () => {
    const rssBefore = rssMb(server.pid);
    const r = await runFlood({
      sipPort: server.ports.sip,
      realm: '127.0.0.1',
      user: '1001',
      password: 'pw-1001-secret',
      sources: 100,
      ratePerSecond: 5000,
      durationMs: 5000,
    });
    const rate = r.registered / r.registrations;
    const figures = JSON.stringify(r);
    assert.ok(rate >= 0.99, `registered ${r.registered}/${r.registrations}: ${figures}`);
    assert.equal(r.pingsAnswered, r.pings, figures);
    assert.ok(r.floodSent > 10_000 && r.registrations >= 5, figures);
    // shed before parsing and digest work: most of the flood never reaches the SIP core
    const metrics = await (await fetch(`${server.baseUrl}/metrics`)).text();
    const reached = Number(/^hailing_sip_messages_total\{direction="in",method="REGISTER",status="request"\} (\d+)$/m.exec(metrics)?.[1]);
    assert.ok(reached < r.floodSent / 4, `${reached} of ${r.floodSent} REGISTERs reached the SIP core`);
    // memory stays bounded: a shed request leaves nothing behind (before: +227 MiB in this test)
    const grown = rssMb(server.pid) - rssBefore;
    assert.ok(grown < 100, `RSS grew ${grown.toFixed(0)} MiB`);
  });
});
