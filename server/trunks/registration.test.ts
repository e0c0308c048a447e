// The REGISTER client on the fake clock against a scripted registrar: digest on 401 (RFC 3261
// §22.2), refresh before the granted expiry (§10.2.4), exponential back-off after failures, 423
// answered with Min-Expires (§10.3 step 7), and Expires: 0 on stop (§10.2.2).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, createResponse, getHeader, silentLogger, type ClientRequestOptions, type SipResponse } from '../sip/index.js';
import { RegisterClient, refreshDelayMs } from './registration.js';

const target = { protocol: 'udp' as const, address: '192.0.2.10', port: 5060, host: '192.0.2.10' };

function harness(answer: (n: number, o: ClientRequestOptions) => SipResponse) {
  const clock = new FakeClock();
  const sent: ClientRequestOptions[] = [];
  const client = new RegisterClient({
    stack: { request: async (o) => (sent.push(o), answer(sent.length, o)) },
    clock,
    logger: silentLogger,
    user: '02150001000',
    domain: 'carrier.example',
    authUser: '02150001000',
    password: 'secret',
    expiresS: 600,
    locate: async () => [target],
    contact: () => '<sip:02150001000@198.51.100.1:5060>',
    sendTo: (t) => ({ protocol: t.protocol, remote: { address: t.address, port: t.port } }),
    retryBaseMs: 2000,
  });
  return { clock, sent, client };
}
const flush = () => new Promise((r) => setImmediate(r));
const challenge = (o: ClientRequestOptions) => ({ ...createResponse(o.request, { status: 401 }), headers: [...createResponse(o.request, { status: 401 }).headers, { name: 'WWW-Authenticate', value: 'Digest realm="carrier", nonce="abc", qop="auth"' }] });
const ok = (o: ClientRequestOptions, expires: number) => ({ ...createResponse(o.request, { status: 200 }), headers: [...createResponse(o.request, { status: 200 }).headers, { name: 'Contact', value: `<sip:02150001000@198.51.100.1:5060>;expires=${expires}` }] });

describe('trunk REGISTER client', () => {
  it('answers the 401 with Authorization, then refreshes half-way through a short expiry (at most 30 s early)', async () => {
    const h = harness((n, o) => (getHeader(o.request, 'Authorization') ? ok(o, 40) : challenge(o)));
    h.client.start();
    for (let i = 0; i < 5; i++) await flush();
    assert.equal(h.sent.length, 2);
    assert.match(getHeader(h.sent[1]!.request, 'Authorization') ?? '', /^Digest username="02150001000", realm="carrier"/);
    assert.equal(h.client.status.state, 'registered');
    assert.equal(refreshDelayMs(40), 20_000);
    assert.equal(refreshDelayMs(3600), 3_570_000);
    h.clock.advance(19_999);
    await flush();
    assert.equal(h.sent.length, 2);
    h.clock.advance(1);
    for (let i = 0; i < 5; i++) await flush();
    assert.equal(h.sent.length, 4, 'the refresh went out 20 s into a 40 s registration');
    // RFC 3261 §10.2.4: the same Call-ID, a higher CSeq
    assert.equal(getHeader(h.sent[3]!.request, 'Call-ID'), getHeader(h.sent[0]!.request, 'Call-ID'));
  });

  it('retries after failures with back-off doubling from 2 s; 423 is answered with the Min-Expires', async () => {
    const h = harness((n, o) => (n <= 2 ? createResponse(o.request, { status: 403 }) : n === 3 ? { ...createResponse(o.request, { status: 423 }), headers: [...createResponse(o.request, { status: 423 }).headers, { name: 'Min-Expires', value: '900' }] } : ok(o, 900)));
    h.client.start();
    for (let i = 0; i < 5; i++) await flush();
    assert.equal(h.client.status.state, 'failed');
    h.clock.advance(2000);
    for (let i = 0; i < 5; i++) await flush();
    assert.equal(h.sent.length, 2);
    h.clock.advance(3999);
    await flush();
    assert.equal(h.sent.length, 2, 'the second retry waits 4 s');
    h.clock.advance(1);
    for (let i = 0; i < 5; i++) await flush();
    assert.equal(getHeader(h.sent[3]!.request, 'Expires'), '900');
    assert.equal(h.client.status.state, 'registered');
    await h.client.stop();
    assert.equal(getHeader(h.sent.at(-1)!.request, 'Expires'), '0');
  });
});
