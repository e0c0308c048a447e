import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { bestFailure, failureFromCallee } from './outcome.js';
import { contactFor } from './contact.js';

describe('RFC 3261 §16.7 step 6: the response the caller gets when every fork failed', () => {
  it('a 6xx wins over everything else', () => {
    assert.equal(bestFailure([{ status: 486 }, { status: 603 }, { status: 404 }])?.status, 603);
  });
  it('without a 6xx, busy (486) is the most useful 4xx for a caller', () => {
    assert.equal(bestFailure([{ status: 480 }, { status: 486 }])?.status, 486);
  });
  it('otherwise the lowest class, a local 408 last within it', () => {
    assert.equal(bestFailure([{ status: 503 }, { status: 408 }, { status: 480 }])?.status, 480);
    assert.equal(bestFailure([])?.status, undefined);
  });
});

describe('callee failures in the record (Asterisk dial statuses)', () => {
  it('486 and 600 are BUSY, 603 a declined BUSY, 408/480 NO ANSWER, anything else FAILED', () => {
    assert.deepEqual([486, 600, 603, 408, 480, 500].map((s) => failureFromCallee(s, undefined).disposition), ['BUSY', 'BUSY', 'BUSY', 'NO ANSWER', 'NO ANSWER', 'FAILED']);
    assert.equal(failureFromCallee(600, undefined).status, 486);
  });
});

describe('our Contact for a leg (RFC 3261 §8.1.1.8)', () => {
  const listening = [
    { protocol: 'udp' as const, address: '0.0.0.0', port: 5060 },
    { protocol: 'tls' as const, address: '192.0.2.1', port: 5061 },
  ];
  it('a wildcard listener uses the flow\'s local address, a bound one its own, with transport for non-UDP', () => {
    const udp = { protocol: 'udp' as const, local: { address: '10.0.0.5', port: 5060 }, remote: { address: '10.0.0.9', port: 5062 } };
    assert.equal(contactFor({ user: '1001', flow: udp, listening, publicAddress: '203.0.113.7' }), '<sip:1001@10.0.0.5:5060>');
    const tls = { protocol: 'tls' as const, local: { address: '192.0.2.1', port: 5061 }, remote: { address: '10.0.0.9', port: 40000 } };
    assert.equal(contactFor({ user: '1001', flow: tls, listening, publicAddress: '203.0.113.7' }), '<sip:1001@192.0.2.1:5061;transport=tls>');
  });
  it('IPv6 hosts are bracketed', () => {
    const flow = { protocol: 'udp' as const, local: { address: '::', port: 5060 }, remote: { address: '2001:db8::9', port: 5060 } };
    assert.equal(contactFor({ user: '1', flow, listening: [{ protocol: 'udp', address: '::', port: 5060 }], publicAddress: '2001:db8::1' }), '<sip:1@[2001:db8::1]:5060>');
  });
});
