import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipResponse } from '../message/types.js';
import { InviteClientState, InviteClientTransaction } from './invite-client.js';
import type { ClientTransactionUser } from './invite-client.js';
import { NonInviteClientState, NonInviteClientTransaction } from './non-invite-client.js';
import { header, recorder, request, response } from './test-support.js';

function user(): ClientTransactionUser & { responses: number[]; timeouts: number; errors: number; extra: number } {
  const u = {
    responses: [] as number[],
    timeouts: 0,
    errors: 0,
    extra: 0,
    onResponse: (r: SipResponse) => u.responses.push(r.status),
    onTimeout: () => u.timeouts++,
    onTransportError: () => u.errors++,
    onAdditionalSuccess: () => u.extra++,
  };
  return u;
}

describe('INVITE client transaction (RFC 3261 17.1.1)', () => {
  it('RFC 3261 17.1.1.2: Timer A retransmits at T1 and doubles without a cap until Timer B', () => {
    const r = recorder(false);
    const u = user();
    const tx = new InviteClientTransaction({ context: r.context, request: request('INVITE'), user: u });
    tx.start();
    r.clock.advance(64 * 500 + 1);
    // sends at 0, then A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (intervals 0.5,1,2,4,8,16 s: no T2 cap)
    assert.deepEqual(r.sentAt, [0, 500, 1500, 3500, 7500, 15500, 31500]);
    assert.equal(u.timeouts, 1);
    assert.equal(tx.state, InviteClientState.Terminated);
  });

  it('RFC 3261 17.1.1.2: Timer B fires a timeout after 64*T1 with no response', () => {
    const r = recorder(true);
    const u = user();
    const tx = new InviteClientTransaction({ context: r.context, request: request('INVITE'), user: u });
    tx.start();
    r.clock.advance(64 * 500 - 1);
    assert.equal(u.timeouts, 0);
    r.clock.advance(1);
    assert.equal(u.timeouts, 1);
    assert.equal(tx.state, InviteClientState.Terminated);
    assert.equal(r.clock.pendingTimers(), 0);
  });

  it('RFC 3261 17.1.1.2: Timer A is not started on a reliable transport', () => {
    const r = recorder(true);
    const tx = new InviteClientTransaction({ context: r.context, request: request('INVITE'), user: user() });
    tx.start();
    r.clock.advance(20_000);
    assert.equal(r.sent.length, 1);
  });

  it('RFC 3261 17.1.1.2: a provisional response stops retransmissions and Timer B, and reaches the TU', () => {
    const r = recorder(false);
    const u = user();
    const req = request('INVITE');
    const tx = new InviteClientTransaction({ context: r.context, request: req, user: u });
    tx.start();
    tx.receiveResponse(response(req, 180));
    assert.equal(tx.state, InviteClientState.Proceeding);
    r.clock.advance(120_000);
    assert.equal(r.sent.length, 1);
    assert.equal(u.timeouts, 0);
    assert.deepEqual(u.responses, [180]);
  });

  it('RFC 3261 17.1.1.3: a 3xx-6xx response is ACKed with the INVITE branch, response To-tag and Route set', () => {
    const r = recorder(false);
    const u = user();
    const req = request('INVITE');
    const tx = new InviteClientTransaction({ context: r.context, request: req, user: u });
    tx.start();
    tx.receiveResponse(response(req, 486, 'busytag'));
    assert.equal(tx.state, InviteClientState.Completed);
    const ack = r.sent[1];
    assert.ok(ack && ack.kind === 'request');
    assert.equal(ack.method, 'ACK');
    assert.equal(ack.uri, 'sip:bob@biloxi.example.com');
    assert.equal(header(ack, 'Via'), 'SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds');
    assert.equal(header(ack, 'To'), 'Bob <sip:bob@biloxi.example.com>;tag=busytag');
    assert.equal(header(ack, 'CSeq'), '1 ACK');
    assert.equal(header(ack, 'Route'), '<sip:proxy.example.com;lr>');
    assert.equal(header(ack, 'Call-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
    assert.deepEqual(u.responses, [486]);
  });

  it('RFC 3261 17.1.1.2: in Completed a retransmitted final response is ACKed again and not passed up', () => {
    const r = recorder(false);
    const u = user();
    const req = request('INVITE');
    const tx = new InviteClientTransaction({ context: r.context, request: req, user: u });
    tx.start();
    tx.receiveResponse(response(req, 486));
    tx.receiveResponse(response(req, 486));
    assert.equal(r.sent.filter((m) => m.kind === 'request' && m.method === 'ACK').length, 2);
    assert.deepEqual(u.responses, [486]);
  });

  it('RFC 3261 17.1.1.2: Timer D is 32 s on an unreliable transport', () => {
    const r = recorder(false);
    const req = request('INVITE');
    const tx = new InviteClientTransaction({ context: r.context, request: req, user: user() });
    tx.start();
    r.clock.advance(100);
    tx.receiveResponse(response(req, 404));
    r.clock.advance(32_000 - 1);
    assert.equal(tx.state, InviteClientState.Completed);
    r.clock.advance(1);
    assert.equal(tx.state, InviteClientState.Terminated);
  });

  it('RFC 3261 17.1.1.2: Timer D is 0 on a reliable transport', () => {
    const r = recorder(true);
    const req = request('INVITE');
    const tx = new InviteClientTransaction({ context: r.context, request: req, user: user() });
    tx.start();
    tx.receiveResponse(response(req, 404));
    r.clock.advance(0);
    assert.equal(tx.state, InviteClientState.Terminated);
  });

  it('RFC 6026 7.2: a 2xx moves to Accepted; further 2xx reach the TU; Timer M (64*T1) terminates', () => {
    const r = recorder(false);
    const u = user();
    const req = request('INVITE');
    const tx = new InviteClientTransaction({ context: r.context, request: req, user: u });
    tx.start();
    tx.receiveResponse(response(req, 200));
    assert.equal(tx.state, InviteClientState.Accepted);
    tx.receiveResponse(response(req, 200));
    assert.deepEqual(u.responses, [200]);
    assert.equal(u.extra, 1);
    assert.equal(r.sent.length, 1, 'the transaction never ACKs a 2xx (RFC 3261 13.2.2.4: the TU does)');
    r.clock.advance(64 * 500);
    assert.equal(tx.state, InviteClientState.Terminated);
  });

  it('RFC 3261 17.1.4: a transport error terminates the transaction and informs the TU', () => {
    const r = recorder(false);
    const u = user();
    const tx = new InviteClientTransaction({ context: r.context, request: request('INVITE'), user: u });
    tx.start();
    tx.transportError();
    assert.equal(u.errors, 1);
    assert.equal(tx.state, InviteClientState.Terminated);
    assert.equal(r.clock.pendingTimers(), 0);
  });
});

describe('non-INVITE client transaction (RFC 3261 17.1.2)', () => {
  it('RFC 3261 17.1.2.2: Timer E doubles from T1 and caps at T2 in Trying; Timer F times out at 64*T1', () => {
    const r = recorder(false);
    const u = user();
    const tx = new NonInviteClientTransaction({ context: r.context, request: request('OPTIONS'), user: u });
    tx.start();
    r.clock.advance(64 * 500);
    // intervals 0.5, 1, 2, 4, 4, 4 ... s
    assert.deepEqual(r.sentAt, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.equal(u.timeouts, 1);
    assert.equal(tx.state, NonInviteClientState.Terminated);
    assert.equal(r.clock.pendingTimers(), 0);
  });

  it('RFC 3261 17.1.2.2: in Proceeding Timer E retransmits every T2', () => {
    const r = recorder(false);
    const u = user();
    const req = request('REGISTER');
    const tx = new NonInviteClientTransaction({ context: r.context, request: req, user: u });
    tx.start();
    tx.receiveResponse(response(req, 100));
    assert.equal(tx.state, NonInviteClientState.Proceeding);
    r.clock.advance(500); // pending E from Trying fires at T1
    r.clock.advance(4000 * 3);
    assert.deepEqual(r.sentAt, [0, 500, 4500, 8500, 12500]);
  });

  it('RFC 3261 17.1.2.2: Timer E is not started on a reliable transport; Timer F still applies', () => {
    const r = recorder(true);
    const u = user();
    const tx = new NonInviteClientTransaction({ context: r.context, request: request('OPTIONS'), user: u });
    tx.start();
    r.clock.advance(64 * 500);
    assert.equal(r.sent.length, 1);
    assert.equal(u.timeouts, 1);
  });

  it('RFC 3261 17.1.2.2: a final response goes to the TU once; Timer K is T4 unreliable', () => {
    const r = recorder(false);
    const u = user();
    const req = request('OPTIONS');
    const tx = new NonInviteClientTransaction({ context: r.context, request: req, user: u });
    tx.start();
    tx.receiveResponse(response(req, 200));
    tx.receiveResponse(response(req, 200));
    assert.deepEqual(u.responses, [200]);
    assert.equal(tx.state, NonInviteClientState.Completed);
    r.clock.advance(5000 - 1);
    assert.equal(tx.state, NonInviteClientState.Completed);
    r.clock.advance(1);
    assert.equal(tx.state, NonInviteClientState.Terminated);
    assert.equal(r.sent.length, 1, 'no retransmission after the final response');
  });

  it('RFC 3261 17.1.2.2: Timer K is 0 on a reliable transport', () => {
    const r = recorder(true);
    const req = request('OPTIONS');
    const tx = new NonInviteClientTransaction({ context: r.context, request: req, user: user() });
    tx.start();
    tx.receiveResponse(response(req, 404));
    r.clock.advance(0);
    assert.equal(tx.state, NonInviteClientState.Terminated);
  });

  it('configured T1/T2/T4 are honoured (RFC 3261 17.1.1.1: T1 may be changed)', () => {
    const r = recorder(false, { t1: 100, t2: 300, t4: 1000 });
    const u = user();
    const tx = new NonInviteClientTransaction({ context: r.context, request: request('OPTIONS'), user: u });
    tx.start();
    r.clock.advance(64 * 100);
    assert.deepEqual(r.sentAt.slice(0, 5), [0, 100, 300, 600, 900]);
    assert.equal(u.timeouts, 1);
  });
});
