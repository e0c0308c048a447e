import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InviteServerState, InviteServerTransaction } from './invite-server.js';
import { NonInviteServerState, NonInviteServerTransaction } from './non-invite-server.js';
import { recorder, request, response } from './test-support.js';

const statuses = (sent: readonly { kind: string }[]): number[] =>
  sent.flatMap((m) => ('status' in m && typeof m.status === 'number' ? [m.status] : []));

function invite(reliable: boolean) {
  const r = recorder(reliable);
  const req = request('INVITE');
  const failures: string[] = [];
  const tx = new InviteServerTransaction({
    context: r.context,
    request: req,
    makeTrying: () => response(req, 100),
    user: { onFailure: (why) => failures.push(why) },
  });
  tx.start();
  return { r, req, tx, failures };
}

describe('INVITE server transaction (RFC 3261 17.2.1)', () => {
  it('RFC 3261 17.2.1: sends 100 Trying when the TU has not answered within 200 ms', () => {
    const { r } = invite(false);
    r.clock.advance(199);
    assert.equal(r.sent.length, 0);
    r.clock.advance(1);
    assert.deepEqual(statuses(r.sent), [100]);
  });

  it('RFC 3261 17.2.1: no automatic 100 when the TU sent a provisional response first', () => {
    const { r, req, tx } = invite(false);
    tx.respond(response(req, 180));
    r.clock.advance(1000);
    assert.deepEqual(statuses(r.sent), [180]);
  });

  it('RFC 3261 17.2.1: a retransmitted INVITE in Proceeding gets the last provisional response again', () => {
    const { r, req, tx } = invite(false);
    tx.respond(response(req, 180));
    assert.equal(tx.receiveRetransmission(), 'absorbed');
    assert.deepEqual(statuses(r.sent), [180, 180]);
  });

  it('RFC 3261 17.2.1: Timer G retransmits a 3xx-6xx from T1 doubling up to T2; Timer H (64*T1) ends it', () => {
    const { r, req, tx, failures } = invite(false);
    tx.respond(response(req, 486));
    assert.equal(tx.state, InviteServerState.Completed);
    r.clock.advance(64 * 500);
    // sent at 0, G fires at 0.5, 1.5, 3.5, 7.5, 11.5, ... every 4 s (T2) until H at 32 s
    assert.deepEqual(r.sentAt, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
    assert.equal(tx.state, InviteServerState.Terminated);
    assert.deepEqual(failures, ['ack-timeout']);
    assert.equal(r.clock.pendingTimers(), 0);
  });

  it('RFC 3261 17.2.1: Timer G is not started on a reliable transport; Timer H still applies', () => {
    const { r, req, tx } = invite(true);
    tx.respond(response(req, 603));
    r.clock.advance(64 * 500);
    assert.equal(r.sent.length, 1);
    assert.equal(tx.state, InviteServerState.Terminated);
  });

  it('RFC 3261 17.2.1: a retransmitted INVITE in Completed gets the final response again', () => {
    const { r, req, tx } = invite(false);
    tx.respond(response(req, 404));
    tx.receiveRetransmission();
    assert.deepEqual(statuses(r.sent), [404, 404]);
  });

  it('RFC 3261 17.2.1: ACK in Completed moves to Confirmed, stops G, Timer I = T4 unreliable; later ACKs absorbed', () => {
    const { r, req, tx } = invite(false);
    tx.respond(response(req, 404));
    assert.equal(tx.receiveAck(), 'absorbed');
    assert.equal(tx.state, InviteServerState.Confirmed);
    assert.equal(tx.receiveAck(), 'absorbed');
    r.clock.advance(5000 - 1);
    assert.equal(tx.state, InviteServerState.Confirmed);
    r.clock.advance(1);
    assert.equal(tx.state, InviteServerState.Terminated);
    assert.equal(r.sent.length, 1, 'G stopped by the ACK');
  });

  it('RFC 3261 17.2.1: Timer I is 0 on a reliable transport', () => {
    const { r, req, tx } = invite(true);
    tx.respond(response(req, 404));
    tx.receiveAck();
    r.clock.advance(0);
    assert.equal(tx.state, InviteServerState.Terminated);
  });

  it('RFC 6026 7.1: a 2xx enters Accepted; INVITE retransmissions are absorbed; Timer L (64*T1) terminates', () => {
    const { r, req, tx } = invite(false);
    assert.equal(tx.respond(response(req, 200)), true);
    assert.equal(tx.state, InviteServerState.Accepted);
    assert.equal(tx.receiveRetransmission(), 'absorbed');
    assert.deepEqual(statuses(r.sent), [200], 'the transaction never retransmits a 2xx itself');
    assert.equal(tx.respond(response(req, 200)), true, 'RFC 6026 7.1: TU 2xx retransmissions are sent');
    assert.equal(tx.respond(response(req, 486)), false, 'no second, different final response');
    r.clock.advance(64 * 500);
    assert.equal(tx.state, InviteServerState.Terminated);
  });

  it('RFC 3261 17.2.1: only one final response is sent', () => {
    const { req, tx } = invite(false);
    assert.equal(tx.respond(response(req, 486)), true);
    assert.equal(tx.respond(response(req, 200)), false);
  });

  it('RFC 3261 17.2.4: a transport error terminates and informs the TU', () => {
    const { r, req, tx, failures } = invite(false);
    tx.respond(response(req, 486));
    tx.transportError();
    assert.equal(tx.state, InviteServerState.Terminated);
    assert.deepEqual(failures, ['transport-error']);
    assert.equal(r.clock.pendingTimers(), 0);
  });
});

describe('non-INVITE server transaction (RFC 3261 17.2.2)', () => {
  function nist(reliable: boolean) {
    const r = recorder(reliable);
    const req = request('OPTIONS');
    const tx = new NonInviteServerTransaction({ context: r.context, request: req });
    return { r, req, tx };
  }

  it('RFC 3261 17.2.2: retransmissions in Trying are discarded', () => {
    const { r, tx } = nist(false);
    tx.receiveRetransmission();
    assert.equal(r.sent.length, 0);
    assert.equal(tx.state, NonInviteServerState.Trying);
  });

  it('RFC 3261 17.2.2: a retransmitted request gets the last response again (Proceeding and Completed)', () => {
    const { r, req, tx } = nist(false);
    tx.respond(response(req, 100));
    tx.receiveRetransmission();
    tx.respond(response(req, 200));
    tx.receiveRetransmission();
    assert.deepEqual(statuses(r.sent), [100, 100, 200, 200]);
  });

  it('RFC 3261 17.2.2: Timer J is 64*T1 on an unreliable transport', () => {
    const { r, req, tx } = nist(false);
    tx.respond(response(req, 200));
    r.clock.advance(64 * 500 - 1);
    assert.equal(tx.state, NonInviteServerState.Completed);
    r.clock.advance(1);
    assert.equal(tx.state, NonInviteServerState.Terminated);
  });

  it('RFC 3261 17.2.2: Timer J is 0 on a reliable transport', () => {
    const { r, req, tx } = nist(true);
    tx.respond(response(req, 200));
    r.clock.advance(0);
    assert.equal(tx.state, NonInviteServerState.Terminated);
  });

  it('RFC 3261 17.2.2: a final response is sent once; later ones are refused', () => {
    const { r, req, tx } = nist(false);
    assert.equal(tx.respond(response(req, 200)), true);
    assert.equal(tx.respond(response(req, 500)), false);
    assert.deepEqual(statuses(r.sent), [200]);
  });
});
