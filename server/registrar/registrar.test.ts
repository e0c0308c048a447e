import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DOMAIN, harness, header, MemoryCredentials, param, Phone, udpFlow } from './test-support.js';

const AOR = `sip:1001@${DOMAIN}`;

describe('RFC 3261 10.3 step 3: authentication', () => {
  it('issue 18, finding 6: a wrong password is answered after one store read, for a cached known user and a cached unknown one alike', async () => {
    const known = new MemoryCredentials();
    known.add('1001', 'secret-1001');
    const cachedKnown = await known.find('1001');
    const reads: string[] = [];
    let release!: () => void;
    const credentials = {
      find: (u: string) => known.find(u),
      // both in the cache: 1001 as a hit, every other name as a cached miss
      findCached: (u: string) => (u === '1001' ? (cachedKnown ?? null) : null),
      recheck: (u: string) => {
        reads.push(u);
        return new Promise<void>((r) => (release = r));
      },
    };
    const h = harness({ credentials });
    for (const user of ['1001', '4242']) {
      let answered = false;
      const pending = h.register(new Phone({ user, password: 'wrong' }), { expires: 600 }).then((r) => ((answered = true), r));
      await new Promise((r) => setImmediate(r));
      assert.equal(answered, false, `${user}: no 401 before the store read`);
      release();
      assert.equal((await pending).status, 401);
    }
    assert.deepEqual(reads, ['1001', '4242']);
  });
  it('RFC 8760 2.4: an unauthenticated REGISTER gets 401 with SHA-256 then MD5, both qop=auth', async () => {
    const h = harness();
    const reply = await h.send(new Phone({ user: '1001', password: 'x' }).build({ expires: 3600 }));
    assert.equal(reply.status, 401);
    const challenges = header(reply, 'WWW-Authenticate');
    assert.equal(challenges.length, 2);
    assert.equal(param(challenges[0]!, 'algorithm'), 'SHA-256');
    assert.equal(param(challenges[1]!, 'algorithm'), 'MD5');
    for (const c of challenges) {
      assert.equal(param(c, 'qop'), 'auth');
      assert.equal(param(c, 'realm'), DOMAIN);
    }
    assert.deepEqual(h.failures, [], 'a first REGISTER without credentials is not a failure');
  });
  for (const algorithm of ['SHA-256', 'MD5'] as const) {
    it(`RFC 3261 10.3 step 8: a valid ${algorithm} answer registers and the 200 lists the contact with expires and a Date`, async () => {
      const h = harness();
      const reply = await h.register(new Phone({ user: '1001', password: 'secret-1001' }), { expires: 3600, algorithm });
      assert.equal(reply.status, 200);
      assert.deepEqual(header(reply, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=3600']);
      assert.match(header(reply, 'Date')[0]!, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
      assert.equal(h.registrar.lookup(AOR).length, 1);
      assert.equal(h.persistence.rows.size, 1, 'persisted before the 200');
    });
  }
  it('RFC 3261 22.4: a wrong password gets 401 again with a fresh challenge and counts a failure', async () => {
    const h = harness();
    const phone = new Phone({ user: '1001', password: 'wrong' });
    const first = await h.send(phone.build({ expires: 3600 }));
    const second = await h.send(phone.build({ expires: 3600, authorization: phone.answer(header(first, 'WWW-Authenticate')[0]!) }));
    assert.equal(second.status, 401);
    assert.notEqual(param(header(second, 'WWW-Authenticate')[0]!, 'nonce'), param(header(first, 'WWW-Authenticate')[0]!, 'nonce'));
    assert.deepEqual(h.failures, ['192.0.2.10']);
    assert.equal(h.registrar.bindings().length, 0);
  });
  it('an unknown user is indistinguishable from a wrong password (same status and headers apart from the nonce)', async () => {
    const h = harness();
    const attempt = async (user: string) => {
      const phone = new Phone({ user, password: 'guess' });
      const first = await h.send(phone.build({ expires: 3600 }));
      return h.send(phone.build({ expires: 3600, authorization: phone.answer(header(first, 'WWW-Authenticate')[0]!) }));
    };
    const known = await attempt('1001');
    const unknown = await attempt('9999');
    const shape = (r: typeof known) =>
      JSON.stringify({ ...r, headers: (r.headers ?? []).map((x) => ({ name: x.name, value: x.value.replace(/nonce="[^"]+"/, 'nonce=*') })) });
    assert.equal(known.status, 401);
    assert.equal(shape(known), shape(unknown));
    assert.equal(h.failures.length, 2);
  });
  it('RFC 3261 10.3 step 4: credentials of another user for this AOR get 403', async () => {
    const h = harness();
    const phone = new Phone({ user: '1001', password: 'secret-1002', authUser: '1002' });
    const reply = await h.register(phone, { expires: 3600 });
    assert.equal(reply.status, 403);
    assert.equal(h.registrar.bindings().length, 0);
  });
  it('RFC 7616 3.3: a correct answer to an expired nonce gets 401 with stale=true, not counted as a failure', async () => {
    const h = harness();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const first = await h.send(phone.build({ expires: 3600 }));
    h.clock.advance(300_001);
    const second = await h.send(phone.build({ expires: 3600, authorization: phone.answer(header(first, 'WWW-Authenticate')[0]!) }));
    assert.equal(second.status, 401);
    for (const c of header(second, 'WWW-Authenticate')) assert.equal(param(c, 'stale'), 'true');
    assert.deepEqual(h.failures, []);
  });
  it('RFC 3261 10.3 step 1: a Request-URI of another domain gets 404 before any challenge', async () => {
    const h = harness();
    const msg = new Phone({ user: '1001', password: 'x' }).build({ expires: 3600 });
    const reply = await h.send({ ...msg, uri: 'sip:other.example.org' });
    assert.equal(reply.status, 404);
  });
  it('RFC 3261 10.3 step 1: the address the request reached is accepted as our host', async () => {
    const h = harness();
    const msg = new Phone({ user: '1001', password: 'x' }).build({ expires: 3600 });
    const reply = await h.send({ ...msg, uri: 'sip:127.0.0.1:5060' });
    assert.equal(reply.status, 401);
  });
  it('RFC 3261 10.3 step 2: an unsupported Require gets 420 with Unsupported', async () => {
    const h = harness();
    const reply = await h.send(new Phone({ user: '1001', password: 'x' }).build({ expires: 3600, extra: ['Require: foo'] }));
    assert.equal(reply.status, 420);
    assert.deepEqual(header(reply, 'Unsupported'), ['foo']);
  });
  it('non-REGISTER requests are passed on', async () => {
    const h = harness();
    const msg = new Phone({ user: '1001', password: 'x' }).build();
    assert.equal(await h.registrar.handler({ message: { ...msg, method: 'OPTIONS' }, flow: udpFlow(), source: udpFlow().remote, reply: () => {} }), false);
  });
});

describe('RFC 3261 10.3 steps 6-7: binding updates', () => {
  const phone = () => new Phone({ user: '1001', password: 'secret-1001' });
  it('RFC 3261 10.3 step 7: Expires 30 gets 423 with Min-Expires: 60', async () => {
    const h = harness();
    const reply = await h.register(phone(), { expires: 30 });
    assert.equal(reply.status, 423);
    assert.deepEqual(header(reply, 'Min-Expires'), ['60']);
    assert.equal(h.registrar.bindings().length, 0);
  });
  it('RFC 3261 10.3 step 7: an expires above the maximum is shortened to it', async () => {
    const h = harness();
    const reply = await h.register(phone(), { expires: 86_400 });
    assert.equal(reply.status, 200);
    assert.deepEqual(header(reply, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=3600']);
  });
  it('RFC 3261 10.2.1.1: the contact expires parameter wins over the Expires header', async () => {
    const h = harness();
    const reply = await h.register(phone(), { expires: 3600, contactLine: '<sip:1001@192.0.2.10:5062>;expires=120' });
    assert.deepEqual(header(reply, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=120']);
  });
  it('RFC 3261 10.3 step 7: without any expires the registrar default applies', async () => {
    const h = harness({ defaultExpires: 1800 });
    const reply = await h.register(phone());
    assert.deepEqual(header(reply, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=1800']);
  });
  it('RFC 3261 10.3 step 6: "*" with Expires 0 removes every binding (and persistence)', async () => {
    const h = harness();
    const p = phone();
    await h.register(p, { expires: 3600 });
    await h.register(new Phone({ user: '1001', password: 'secret-1001', contact: 'sip:1001@192.0.2.11:5062' }), { expires: 3600 });
    assert.equal(h.registrar.lookup(AOR).length, 2);
    const reply = await h.register(p, { expires: 0, contactLine: '*' });
    assert.equal(reply.status, 200);
    assert.deepEqual(header(reply, 'Contact'), []);
    assert.equal(h.registrar.lookup(AOR).length, 0);
    assert.equal(h.persistence.rows.size, 0);
  });
  it('RFC 3261 10.3 step 6: "*" with Expires 3600 gets 400', async () => {
    const h = harness();
    const reply = await h.register(phone(), { expires: 3600, contactLine: '*' });
    assert.equal(reply.status, 400);
  });
  it('RFC 3261 10.3 step 6: "*" without Expires gets 400', async () => {
    const h = harness();
    const reply = await h.register(phone(), { contactLine: '*' });
    assert.equal(reply.status, 400);
  });
  it('RFC 3261 10.3 step 7: a request with an older CSeq on the same Call-ID is refused and changes nothing', async () => {
    const h = harness();
    const p = phone();
    assert.equal((await h.register(p, { expires: 3600 })).status, 200);
    const cseqAfter = p.cseq;
    const first = await h.send(p.build({ expires: 0, cseq: cseqAfter + 5 }));
    const stale = await h.send(
      p.build({ expires: 0, cseq: cseqAfter - 1, authorization: p.answer(header(first, 'WWW-Authenticate')[0]!) }),
    );
    assert.equal(stale.status, 400);
    assert.equal(h.registrar.lookup(AOR).length, 1);
  });
  it('RFC 3261 10.3 step 7: Expires 0 on one contact removes only that binding', async () => {
    const h = harness();
    const a = phone();
    await h.register(a, { expires: 3600 });
    await h.register(new Phone({ user: '1001', password: 'secret-1001', contact: 'sip:1001@192.0.2.11:5062' }), { expires: 3600 });
    const reply = await h.register(a, { expires: 0 });
    assert.equal(reply.status, 200);
    assert.deepEqual(header(reply, 'Contact'), ['<sip:1001@192.0.2.11:5062>;expires=3600']);
  });
  it('RFC 3261 10.3 step 7: a refresh replaces the binding of an equal Contact URI (19.1.4 comparison)', async () => {
    const h = harness();
    const p = phone();
    await h.register(p, { expires: 3600, contactLine: '<sip:1001@192.0.2.10:5062;transport=udp>' });
    h.clock.advance(60_000);
    const reply = await h.register(p, { expires: 3600, contactLine: '<sip:1001@192.0.2.10:5062;TRANSPORT=UDP>' });
    assert.equal(header(reply, 'Contact').length, 1);
    assert.equal(h.registrar.lookup(AOR).length, 1);
  });
  it('RFC 3261 10.3: several contacts per AOR; lookup orders by q (20.10)', async () => {
    const h = harness();
    await h.register(phone(), { expires: 3600, contactLine: '<sip:1001@192.0.2.10:5062>;q=0.5, <sip:1001@192.0.2.12:5062>;q=1.0' });
    const found = h.registrar.lookup(AOR);
    assert.deepEqual(
      found.map((b) => [b.contact, b.q]),
      [
        ['sip:1001@192.0.2.12:5062', 1],
        ['sip:1001@192.0.2.10:5062', 0.5],
      ],
    );
  });
  it('RFC 3261 10.2.3: a REGISTER without Contact queries and lists current bindings', async () => {
    const h = harness();
    await h.register(phone(), { expires: 3600 });
    h.clock.advance(100_000);
    const reply = await h.register(phone(), { contactLine: null });
    assert.equal(reply.status, 200);
    assert.deepEqual(header(reply, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=3500']);
  });
  it('an invalid q value gets 400', async () => {
    const h = harness();
    const reply = await h.register(phone(), { expires: 3600, contactLine: '<sip:1001@192.0.2.10:5062>;q=1.5' });
    assert.equal(reply.status, 400);
  });
  it('RFC 5626 6: a new Contact with the same +sip.instance replaces the old binding', async () => {
    const h = harness();
    const inst = '"<urn:uuid:00000000-0000-1000-8000-000a95a0e128>"';
    await h.register(phone(), { expires: 3600, contactLine: `<sip:1001@192.0.2.10:5062>;+sip.instance=${inst}` });
    await h.register(phone(), { expires: 3600, contactLine: `<sip:1001@198.51.100.7:40000>;+sip.instance=${inst}` });
    assert.deepEqual(
      h.registrar.lookup(AOR).map((b) => b.contact),
      ['sip:1001@198.51.100.7:40000'],
    );
    assert.equal(h.persistence.rows.size, 1);
  });
  it('the binding remembers the flow and the source (NAT)', async () => {
    const h = harness();
    const flow = udpFlow('203.0.113.5', 40123);
    await h.register(phone(), { expires: 3600, flow });
    const [b] = h.registrar.lookup(AOR);
    assert.deepEqual(b?.flow, flow);
    assert.deepEqual(b?.source, { address: '203.0.113.5', port: 40123 });
    assert.equal(b?.userAgent, 'TestPhone/1.0');
  });
  it('emits change events and reports the binding count', async () => {
    const counts: number[] = [];
    const h = harness({ onBindingsChanged: (n) => counts.push(n) });
    const changes: string[] = [];
    h.registrar.on('change', (c) => changes.push(`${c.aor}:${c.bindings.length}`));
    await h.register(phone(), { expires: 3600 });
    assert.deepEqual(changes, [`${AOR}:1`]);
    assert.deepEqual(counts, [1]);
  });
});

