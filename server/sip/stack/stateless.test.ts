// RFC 3261 §8.2.7: stateless UAS behaviour through useStateless(), against the real core with a
// fake transport. Expected results are the RFC's rules, not our own builder's output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { harness, hdr, raw, settle } from './test-support.js';
import type { IncomingRequest } from './types.js';

/** A core with one stateless handler that answers REGISTER 401 and a transactional one that answers 200. */
function setup() {
  const transactions: string[] = [];
  const h = harness('udp', { observer: { onTransaction: (event, side) => transactions.push(`${event} ${side}`) } });
  const seen: string[] = [];
  h.stack.useStateless((request: IncomingRequest) => {
    if (request.message.method !== 'REGISTER') return false;
    seen.push('stateless');
    request.reply({ status: 401, headers: [{ name: 'WWW-Authenticate', value: 'Digest realm="x", nonce="n"' }] });
    return true;
  });
  h.stack.use((request) => {
    seen.push('chain');
    request.reply({ status: 200 });
    return true;
  });
  return { ...h, transactions, seen };
}

describe('stateless UAS (RFC 3261 8.2.7)', () => {
  it('RFC 3261 8.2.7: a request a stateless handler takes is answered without a server transaction', async () => {
    const { transport, transactions, seen } = setup();
    transport.inject(raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com' }));
    await settle();
    assert.deepEqual(transport.statuses(), [401]);
    assert.deepEqual(transactions, []);
    assert.deepEqual(seen, ['stateless']);
    const [r] = transport.responses();
    // RFC 3261 8.2.6.2: Via, From, Call-ID and CSeq copied; a To-tag added
    assert.equal(hdr(r!, 'Call-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
    assert.equal(hdr(r!, 'CSeq'), '314159 REGISTER');
    assert.equal(hdr(r!, 'From'), 'Alice <sip:alice@atlanta.example.com>;tag=1928301774');
    assert.match(hdr(r!, 'Via') ?? '', /^SIP\/2\.0\/UDP pc33\.atlanta\.example\.com;branch=z9hG4bKnashds8/);
    assert.match(hdr(r!, 'To') ?? '', /^Bob <sip:bob@biloxi\.example\.com>;tag=\w+$/);
  });

  it('RFC 3261 8.2.7: a retransmission is answered again, with the same To-tag', async () => {
    const { transport, transactions } = setup();
    const request = raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com' });
    transport.inject(request);
    await settle();
    transport.inject(request);
    await settle();
    assert.deepEqual(transport.statuses(), [401, 401]);
    assert.deepEqual(transactions, []);
    const [a, b] = transport.responses();
    assert.equal(hdr(a!, 'To'), hdr(b!, 'To'));
  });

  it('RFC 3261 8.2.7: different requests get different To-tags', async () => {
    const { transport } = setup();
    transport.inject(raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com', branch: 'z9hG4bKone' }));
    transport.inject(raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com', branch: 'z9hG4bKtwo', cseq: '314160 REGISTER' }));
    await settle();
    const [a, b] = transport.responses();
    assert.notEqual(hdr(a!, 'To'), hdr(b!, 'To'));
  });

  it('RFC 3261 8.2.7: requests the stateless handlers pass on go through a transaction to the chain', async () => {
    const { transport, transactions, seen } = setup();
    transport.inject(raw({ method: 'OPTIONS' }));
    await settle();
    assert.deepEqual(transport.statuses(), [200]);
    assert.deepEqual(transactions, ['created server']);
    assert.deepEqual(seen, ['chain']);
  });

  it('RFC 3261 8.2.7: "MUST ignore CANCEL requests": CANCEL never reaches a stateless handler', async () => {
    const transactions: string[] = [];
    const { transport, stack } = harness('udp', { observer: { onTransaction: (event, side) => transactions.push(`${event} ${side}`) } });
    let offered = 0;
    stack.useStateless(() => {
      offered++;
      return false;
    });
    transport.inject(raw({ method: 'CANCEL' }));
    await settle();
    assert.equal(offered, 0);
    // RFC 3261 9.2: no INVITE to cancel → 481, from the core
    assert.deepEqual(transport.statuses(), [481]);
  });

  it('RFC 3261 8.2.2.3: requests the core rejects are answered by the core, not by a stateless handler', async () => {
    const { transport, seen } = setup();
    transport.inject(raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com', extra: ['Require: foo'] }));
    await settle();
    assert.deepEqual(transport.statuses(), [420]);
    assert.deepEqual(seen, []);
  });

  it('RFC 3261 8.2.7: "MUST NOT send provisional (1xx) responses": a 1xx is not sent', async () => {
    const { transport, stack } = harness();
    stack.useStateless((request) => {
      request.reply({ status: 100 });
      request.reply({ status: 403 });
      return true;
    });
    transport.inject(raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com' }));
    await settle();
    assert.deepEqual(transport.statuses(), [403]);
  });

  it('a stateless handler that throws before answering leaves the request to the transactional chain', async () => {
    const { transport, stack } = harness();
    stack.useStateless(() => {
      throw new Error('boom');
    });
    stack.use((request) => {
      request.reply({ status: 202 });
      return true;
    });
    transport.inject(raw({ method: 'REGISTER', uri: 'sip:biloxi.example.com' }));
    await settle();
    assert.deepEqual(transport.statuses(), [202]);
  });
});
