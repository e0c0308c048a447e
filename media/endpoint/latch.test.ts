// The latching state machine with a hand-driven clock: no sockets, no timers.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Latch, ACCEPT, ACCEPT_LATCHED, DROP, LATCH_LEARNING, LATCH_LOCKED, LATCH_OPEN } from './latch.js';
import { PortPool } from './port-pool.js';
import { IdleWatch } from './idle-watch.js';

describe('Latch (symmetric RTP, RFC 4961; strict source: only what signalling named)', () => {
  it('latches a source the SDP did not name when the leg\'s SIP came from its address (NAT), from any port', () => {
    const l = new Latch(2000);
    l.trust(['203.0.113.5']);
    l.reset('192.168.1.20', 7078);
    assert.equal(l.state, LATCH_OPEN);
    assert.equal(l.onPacket('203.0.113.5', 41234, 0), ACCEPT_LATCHED);
    assert.equal(l.state, LATCH_LEARNING);
    assert.deepEqual([l.address, l.port], ['203.0.113.5', 41234]);
    assert.equal(l.onPacket('203.0.113.5', 41234, 10), ACCEPT);
  });

  it('drops a source signalling did not name in every state, and it never starts the learning window', () => {
    const l = new Latch(2000);
    l.trust(['198.51.100.7']);
    l.reset('192.0.2.10', 4000);
    assert.equal(l.onPacket('203.0.113.66', 4000, 0), DROP, 'open: a stranger is not latched');
    assert.equal(l.state, LATCH_OPEN);
    // the phone speaks 5 s later: the window runs from its first packet, not the stranger's
    assert.equal(l.onPacket('198.51.100.7', 30000, 5000), ACCEPT_LATCHED);
    assert.equal(l.onPacket('203.0.113.66', 4000, 5001), DROP, 'learning');
    assert.equal(l.onPacket('192.0.2.10', 4002, 6000), ACCEPT_LATCHED, "the SDP's address with another port is legitimate while learning");
    assert.equal(l.onPacket('203.0.113.66', 4000, 9000), DROP, 'locked');
    assert.equal(l.state, LATCH_LOCKED);
  });

  it('RFC 3264: a leg whose SIP source is known but whose SDP is not yet (ringing) accepts nothing, not even from that address', () => {
    const l = new Latch(2000);
    l.trust(['198.51.100.7']);
    assert.equal(l.onPacket('198.51.100.7', 30000, 0), DROP);
    assert.equal(l.state, LATCH_OPEN);
    l.reset(null, 0); // the answer's c= names no usable address (0.0.0.0): the SIP source is all there is
    assert.equal(l.onPacket('198.51.100.7', 30000, 10), ACCEPT_LATCHED);
    assert.equal(l.onPacket('203.0.113.66', 30000, 20), DROP);
  });

  it('SIP sources none of which fits the socket (an IPv6 source, an IPv4 socket) still make the leg strict', () => {
    const l = new Latch(2000);
    l.trust([]);
    l.reset(null, 0);
    assert.equal(l.onPacket('198.51.100.7', 30000, 0), DROP);
    l.reset('198.51.100.7', 30000);
    assert.equal(l.onPacket('198.51.100.7', 30002, 10), ACCEPT_LATCHED, "the SDP's address");
  });

  it('with nothing signalled (no SDP address, no SIP source) the first source is learnt, as plain symmetric RTP', () => {
    const l = new Latch(2000);
    l.reset(null, 0);
    assert.equal(l.onPacket('198.51.100.1', 5000, 0), ACCEPT_LATCHED);
  });

  it('within the window another legitimate source takes over; after it only the latched source is accepted', () => {
    const l = new Latch(2000);
    l.reset(null, 0);
    l.onPacket('198.51.100.1', 5000, 1000);
    assert.equal(l.onPacket('198.51.100.2', 6000, 2999), ACCEPT_LATCHED);
    assert.deepEqual([l.address, l.port], ['198.51.100.2', 6000]);
    // the window runs from the first packet: at 3000 it is over
    assert.equal(l.onPacket('198.51.100.1', 5000, 3000), DROP);
    assert.equal(l.state, LATCH_LOCKED);
    assert.equal(l.onPacket('198.51.100.2', 6000, 1e9), ACCEPT);
    assert.equal(l.onPacket('198.51.100.2', 6001, 1e9), DROP, 'same address, other port');
  });

  it("once on the SDP's own address and port, no other source can take the latch over", () => {
    const l = new Latch(2000);
    l.trust(['192.0.2.99']);
    l.reset('192.0.2.10', 4000);
    assert.equal(l.onPacket('192.0.2.99', 9999, 0), ACCEPT_LATCHED);
    assert.equal(l.onPacket('192.0.2.10', 4000, 5), ACCEPT_LATCHED, 'the SDP address beats another legitimate source');
    assert.equal(l.onPacket('192.0.2.99', 9999, 10), DROP);
    assert.deepEqual([l.address, l.port], ['192.0.2.10', 4000]);
  });

  it("the SDP's own address and port takes over a latch locked on another device of the same address", () => {
    const l = new Latch(100);
    l.trust(['192.0.2.10']);
    l.reset('192.0.2.10', 4000);
    assert.equal(l.onPacket('192.0.2.10', 5555, 0), ACCEPT_LATCHED);
    assert.equal(l.onPacket('192.0.2.10', 5555, 500), ACCEPT);
    assert.equal(l.state, LATCH_LOCKED);
    assert.equal(l.onPacket('192.0.2.10', 4000, 3000), ACCEPT_LATCHED);
    assert.equal(l.onPacket('192.0.2.10', 5555, 3001), DROP);
  });

  it('a zero window locks on the first packet; reset() reopens learning', () => {
    const l = new Latch(0);
    l.reset(null, 0);
    assert.equal(l.onPacket('192.0.2.1', 1, 0), ACCEPT_LATCHED);
    assert.equal(l.state, LATCH_LOCKED);
    assert.equal(l.onPacket('192.0.2.2', 1, 0), DROP);
    l.reset('192.0.2.2', 1);
    assert.equal(l.latched, false);
    assert.equal(l.onPacket('192.0.2.2', 1, 0), ACCEPT_LATCHED);
  });
});

describe('PortPool (RFC 3550 §11: RTP even, RTCP next)', () => {
  it('hands out even ports inside the range, first in first out, and nothing twice', () => {
    const pool = new PortPool({ portMin: 10001, portMax: 10008 });
    // 10002/3, 10004/5, 10006/7: 10008 has no odd partner inside the range
    assert.equal(pool.size, 3);
    assert.deepEqual([pool.take(), pool.take(), pool.take(), pool.take()], [10002, 10004, 10006, null]);
    pool.release(10004);
    pool.release(10004);
    pool.release(10003);
    pool.release(20000);
    assert.equal(pool.free, 1);
    pool.release(10002);
    assert.deepEqual([pool.take(), pool.take(), pool.take()], [10004, 10002, null]);
  });

  it('an empty or inverted range has no pairs', () => {
    assert.equal(new PortPool({ portMin: 10000, portMax: 10000 }).take(), null);
    assert.equal(new PortPool({ portMin: 10010, portMax: 10000 }).size, 0);
  });
});

describe('IdleWatch (media timeout)', () => {
  it('reports once after the timeout without packets, again only after packets resumed', () => {
    const w = new IdleWatch(1000);
    w.set(true, 0, 0);
    assert.equal(w.check(0, 999), -1);
    assert.equal(w.check(0, 1000), 1000);
    assert.equal(w.check(0, 5000), -1, 'reported once');
    assert.equal(w.check(3, 5100), -1, 'packets again');
    assert.equal(w.check(3, 6100), 1000);
  });

  it('does nothing while off (ringing, hold) or with a zero timeout', () => {
    const w = new IdleWatch(1000);
    w.set(false, 0, 0);
    assert.equal(w.check(0, 1e6), -1);
    const never = new IdleWatch(0);
    never.set(true, 0, 0);
    assert.equal(never.check(0, 1e6), -1);
  });
});
