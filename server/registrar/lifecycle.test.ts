import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BanList } from '../security/bans.js';
import { AdmissionControl } from '../security/admission.js';
import { FakeClock } from '../sip/clock.js';
import { DOMAIN, harness, header, MemoryPersistence, Phone, udpFlow } from './test-support.js';

const AOR = `sip:1001@${DOMAIN}`;

describe('expiry, persistence and restart', () => {
  it('the periodic sweep removes expired bindings in memory and in persistence', async () => {
    const h = harness({ sweepIntervalMs: 10_000 });
    await h.registrar.start();
    await h.register(new Phone({ user: '1001', password: 'secret-1001' }), { expires: 60 });
    assert.equal(h.persistence.rows.size, 1);
    h.clock.advance(70_000);
    await new Promise((r) => setImmediate(r));
    assert.equal(h.registrar.bindings().length, 0);
    assert.equal(h.persistence.rows.size, 0);
    await h.registrar.close();
  });
  it('a restart (new registrar over the same persistence) restores live bindings and purges expired ones', async () => {
    const clock = new FakeClock();
    const persistence = new MemoryPersistence();
    const a = harness({}, { clock, persistence });
    await a.registrar.start();
    await a.register(new Phone({ user: '1001', password: 'secret-1001' }), { expires: 3600 });
    await a.register(new Phone({ user: '1002', password: 'secret-1002' }), { expires: 60 });
    await a.registrar.close();
    clock.advance(120_000);
    const b = harness({}, { clock, persistence });
    await b.registrar.start();
    assert.deepEqual(
      b.registrar.bindings().map((x) => x.aor),
      [AOR],
    );
    assert.equal(persistence.rows.size, 1);
    await b.registrar.close();
  });
  it('RFC 3261 21.5.4 (issue 18, finding 10): a store too busy to take the binding answers 503 with Retry-After', async () => {
    const persistence = new MemoryPersistence();
    persistence.save = () => Promise.reject(Object.assign(new Error('batch writer queue is full'), { retryAfterSeconds: 5 }));
    const h = harness({}, { persistence });
    const reply = await h.register(new Phone({ user: '1001', password: 'secret-1001' }), { expires: 3600 });
    assert.equal(reply.status, 503);
    assert.deepEqual(reply.headers?.find((x) => x.name === 'Retry-After')?.value, '5');
    assert.equal(h.registrar.bindings().length, 0);
  });
  it('a persistence failure answers 500 and leaves memory unchanged', async () => {
    const persistence = new MemoryPersistence();
    persistence.save = async () => {
      throw new Error('disk full');
    };
    const h = harness({}, { persistence });
    const reply = await h.register(new Phone({ user: '1001', password: 'secret-1001' }), { expires: 3600 });
    assert.equal(reply.status, 500);
    assert.equal(h.registrar.bindings().length, 0);
  });
});

describe('NAT keepalive', () => {
  it('UDP bindings get an OPTIONS on their flow every interval; stream flows get a CRLF keepalive', async () => {
    const h = harness({ keepaliveIntervalMs: 30_000 });
    await h.registrar.start();
    await h.register(new Phone({ user: '1001', password: 'secret-1001' }), { expires: 3600 });
    const tcp = { protocol: 'tcp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '192.0.2.20', port: 50000 }, connectionId: 'c1' };
    await h.register(new Phone({ user: '1002', password: 'secret-1002' }), { expires: 3600, flow: tcp });
    h.clock.advance(30_000);
    assert.equal(h.stack.sent.length, 1);
    const sent = h.stack.sent[0]!;
    assert.equal(sent.request.method, 'OPTIONS');
    assert.equal(sent.request.uri, 'sip:1001@192.0.2.10:5062');
    assert.deepEqual(sent.to, udpFlow());
    assert.deepEqual(h.transport.keepalives, [tcp]);
    await new Promise((r) => setImmediate(r));
    h.clock.advance(30_000);
    assert.equal(h.stack.sent.length, 2);
    await h.registrar.close();
    h.clock.advance(60_000);
    assert.equal(h.stack.sent.length, 2, 'no keepalives after close');
  });
});

describe('bans wired to the registrar', () => {
  it('5 failed authentications ban the source; the 6th request is dropped; unbanned after the ban time', async () => {
    const clock = new FakeClock();
    const bans = new BanList({ clock, threshold: 5, banTimeMs: 600_000 });
    const filter = new AdmissionControl({ clock, bans }).filter;
    const h = harness({ onAuthFailure: ({ source, username }) => bans.recordFailure(source, username) }, { clock });
    const flow = udpFlow('198.51.100.66', 5070);
    const phone = new Phone({ user: '1001', password: 'guess' });
    for (let i = 0; i < 5; i++) {
      assert.equal(filter(flow), 'accept');
      const first = await h.send(phone.build({ expires: 3600 }), flow);
      const second = await h.send(phone.build({ expires: 3600, authorization: phone.answer(header(first, 'WWW-Authenticate')[0]!) }), flow);
      assert.equal(second.status, 401);
    }
    assert.equal(filter(flow), 'drop');
    clock.advance(600_000);
    assert.equal(filter(flow), 'accept');
  });
});
