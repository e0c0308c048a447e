// The registrar behind the real SIP core: raw REGISTER text in through a fake transport, serialized
// responses out. Checks the wiring the unit tests cannot: the core's transaction and reply path,
// the ingress filter fed by the BanList, and keepalive OPTIONS through a real client transaction.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BanList } from '../security/bans.js';
import { AdmissionControl } from '../security/admission.js';
import { getHeaderLines } from '../sip/message/headers.js';
import { harness as stackHarness, settle } from '../sip/stack/test-support.js';
import { harness, Phone } from './test-support.js';

async function setup() {
  let serverTransactions = 0;
  const onTransaction = (event: string, side: string): void => {
    if (event === 'created' && side === 'server') serverTransactions++;
  };
  const s = stackHarness('udp', { observer: { onTransaction } });
  const bans = new BanList({ clock: s.clock, threshold: 5 });
  const r = harness({ stack: s.stack, transport: s.transport, keepaliveIntervalMs: 30_000, onAuthFailure: ({ source, username }) => bans.recordFailure(source, username) }, { clock: s.clock });
  s.stack.useStateless(r.registrar.statelessHandler);
  s.stack.use(r.registrar.handler);
  s.stack.setIngressFilter(new AdmissionControl({ clock: s.clock, bans }).filter);
  await s.stack.start();
  await r.registrar.start();
  const flow = s.transport.flow({ address: '198.51.100.7', port: 40000 });
  const exchange = async (text: string) => {
    const before = s.transport.responses().length;
    s.transport.inject(text, flow);
    await settle();
    return s.transport.responses().slice(before);
  };
  const shutdown = async () => {
    await r.registrar.close();
    // the core drains open transactions on the (fake) clock: let it run out
    const closing = s.stack.close();
    for (let i = 0; i < 10; i++) {
      s.clock.advance(10_000);
      await settle();
    }
    await closing;
  };
  return { s, r, bans, flow, exchange, shutdown, created: () => serverTransactions };
}

describe('registrar behind the SIP core', () => {
  it('RFC 3261 10.3: challenge, answer, 200 OK with Contact and Date on the wire', async () => {
    const { exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const [challenge] = await exchange(phone.text({ expires: 600 }));
    assert.equal(challenge?.status, 401);
    const www = getHeaderLines(challenge!, 'WWW-Authenticate');
    assert.equal(www.length, 2);
    const [ok] = await exchange(phone.text({ expires: 600, authorization: phone.answer(www[0]!) }));
    assert.equal(ok?.status, 200);
    assert.deepEqual(getHeaderLines(ok!, 'Contact'), ['<sip:1001@192.0.2.10:5062>;expires=600']);
    assert.equal(getHeaderLines(ok!, 'Date').length, 1);
    await shutdown();
  });
  it('RFC 3261 8.2.7: the credential-less REGISTER is challenged statelessly, the answered one in a transaction', async () => {
    const { exchange, shutdown, created } = await setup();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const before = created();
    const [challenge] = await exchange(phone.text({ expires: 600 }));
    assert.equal(challenge?.status, 401);
    // RFC 3261 8.2.7: no transaction keeps the challenge
    assert.equal(created(), before);
    const [ok] = await exchange(phone.text({ expires: 600, authorization: phone.answer(getHeaderLines(challenge!, 'WWW-Authenticate')[0]!) }));
    assert.equal(ok?.status, 200);
    assert.equal(created(), before + 1);
    await shutdown();
  });
  it('REGISTER load (issue 18, finding 10): a retransmitted credential-less REGISTER draws the same challenge, a new one a new nonce', async () => {
    // SIPp tells a retransmitted response by its bytes: a second, different 401 for its first
    // REGISTER arrives while it waits for the 200 and fails the registration as unexpected.
    const { exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const first = phone.text({ expires: 600 });
    const [a] = await exchange(first);
    const [b] = await exchange(first);
    assert.equal(b?.status, 401);
    assert.deepEqual(getHeaderLines(b!, 'WWW-Authenticate'), getHeaderLines(a!, 'WWW-Authenticate'));
    const [c] = await exchange(phone.text({ expires: 600 }));
    assert.notDeepEqual(getHeaderLines(c!, 'WWW-Authenticate'), getHeaderLines(a!, 'WWW-Authenticate'));
    // the nonce of the repeated challenge works once, like any other
    const [ok] = await exchange(phone.text({ expires: 600, authorization: phone.answer(getHeaderLines(b!, 'WWW-Authenticate')[0]!) }));
    assert.equal(ok?.status, 200);
    await shutdown();
  });
  it('RFC 2617 3.2.2.5 (issue 18, finding 11): credentials computed for another resource are answered 400, not challenged again', async () => {
    const { exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const [challenge] = await exchange(phone.text({ expires: 600 }));
    const www = getHeaderLines(challenge!, 'WWW-Authenticate')[0]!;
    const [other] = await exchange(phone.text({ expires: 600, authorization: phone.answer(www, 'secret-1001', 'sip:elsewhere.example.org') }));
    assert.equal(other?.status, 400);
    // the Request-URI's host and default port, written out, is the same resource
    const [ok] = await exchange(phone.text({ expires: 600, authorization: phone.answer(www, 'secret-1001', 'sip:PBX.example.com:5060') }));
    assert.equal(ok?.status, 200);
    await shutdown();
  });
  it('issue 18, finding 6: REGISTERs with nonces we never issued count towards a ban', async () => {
    const { bans, exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'whatever' });
    const [challenge] = await exchange(phone.text({ expires: 600 }));
    const www = getHeaderLines(challenge!, 'WWW-Authenticate')[0]!;
    const madeUp = www.replace(/nonce="[^"]+"/, `nonce="${'A'.repeat(64)}"`);
    for (let i = 0; i < 5; i++) {
      const [r] = await exchange(phone.text({ expires: 600, authorization: phone.answer(madeUp) }));
      assert.equal(r?.status, 401);
    }
    assert.equal(bans.isBanned('198.51.100.7'), true);
    await shutdown();
  });
  it('a phone answering with a stale nonce of ours, however often, is never banned', async () => {
    const { s, bans, exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const [challenge] = await exchange(phone.text({ expires: 600 }));
    const www = getHeaderLines(challenge!, 'WWW-Authenticate')[0]!;
    s.clock.advance(300_001); // past the nonce lifetime
    for (let i = 0; i < 10; i++) {
      const [r] = await exchange(phone.text({ expires: 600, authorization: phone.answer(www) }));
      assert.match(getHeaderLines(r!, 'WWW-Authenticate')[0] ?? '', /stale=true/);
    }
    assert.equal(bans.isBanned('198.51.100.7'), false);
    await shutdown();
  });
  it('keepalive OPTIONS go out through a client transaction on the registered flow, with our Via', async () => {
    const { s, flow, exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'secret-1001' });
    const [challenge] = await exchange(phone.text({ expires: 600 }));
    await exchange(phone.text({ expires: 600, authorization: phone.answer(getHeaderLines(challenge!, 'WWW-Authenticate')[0]!) }));
    s.clock.advance(30_000);
    await settle();
    const options = s.transport.sent.filter((x) => x.message.kind === 'request' && x.message.method === 'OPTIONS');
    assert.equal(options.length, 1);
    assert.deepEqual(options[0]!.to, flow);
    const via = getHeaderLines(options[0]!.message, 'Via');
    assert.equal(via.length, 1);
    assert.match(via[0]!, /^SIP\/2\.0\/UDP .*;branch=z9hG4bK/);
    await shutdown();
  });
  it('after 5 failed authentications the core drops the 6th request from that source unanswered', async () => {
    const { bans, exchange, shutdown } = await setup();
    const phone = new Phone({ user: '1001', password: 'wrong' });
    for (let i = 0; i < 5; i++) {
      const [challenge] = await exchange(phone.text({ expires: 600 }));
      const [again] = await exchange(phone.text({ expires: 600, authorization: phone.answer(getHeaderLines(challenge!, 'WWW-Authenticate')[0]!) }));
      assert.equal(again?.status, 401);
    }
    assert.equal(bans.isBanned('198.51.100.7'), true);
    assert.deepEqual(await exchange(phone.text({ expires: 600 })), []);
    await shutdown();
  });
});
