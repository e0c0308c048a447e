import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingRequest } from './types.js';
import { harness, hdr, raw, settle } from './test-support.js';

describe('server transactions in the core (RFC 3261 17.2)', () => {
  it('RFC 3261 17.2.2: a retransmitted request is absorbed and the last response re-sent', async () => {
    const { transport, stack } = harness();
    let calls = 0;
    stack.use((req) => {
      calls++;
      req.reply({ status: 200 });
      return true;
    });
    transport.inject(raw({ method: 'MESSAGE' }));
    await settle();
    transport.inject(raw({ method: 'MESSAGE' }));
    await settle();
    assert.equal(calls, 1);
    assert.deepEqual(transport.statuses(), [200, 200]);
  });

  it('RFC 3261 17.2.1: an INVITE the TU leaves unanswered gets 100 Trying after 200 ms, without a To-tag', async () => {
    const { transport, stack, clock } = harness();
    stack.use(() => true);
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    clock.advance(200);
    const [trying] = transport.responses();
    assert.equal(trying?.status, 100);
    assert.equal(hdr(trying!, 'To'), 'Bob <sip:bob@biloxi.example.com>');
  });

  it('RFC 3261 17.2.1: Timer G retransmits a non-2xx final on UDP until the ACK, which is absorbed', async () => {
    const { transport, stack, clock } = harness();
    let calls = 0;
    stack.use((req) => {
      calls++;
      req.reply({ status: 486 });
      return true;
    });
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    clock.advance(1500);
    assert.deepEqual(transport.statuses(), [486, 486, 486]);
    transport.inject(raw({ method: 'ACK', cseq: '314159 ACK', to: 'Bob <sip:bob@biloxi.example.com>;tag=x' }));
    await settle();
    clock.advance(10_000);
    assert.deepEqual(transport.statuses(), [486, 486, 486]);
    assert.equal(calls, 1, 'the ACK for a non-2xx never reaches a handler');
  });

  it('RFC 3261 17.2.1: no Timer G retransmissions on a reliable transport', async () => {
    const { transport, stack, clock } = harness('tcp');
    stack.use((req) => {
      req.reply({ status: 486 });
      return true;
    });
    transport.inject(raw({ method: 'INVITE', via: 'SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bKtcp' }));
    await settle();
    clock.advance(40_000);
    assert.deepEqual(transport.statuses(), [486]);
  });

  it('RFC 6026 7.1: after a 2xx, INVITE retransmissions are absorbed; the 2xx ACK (new branch) reaches handlers', async () => {
    const { transport, stack } = harness();
    const methods: string[] = [];
    stack.use((req) => {
      methods.push(req.message.method);
      if (req.message.method === 'INVITE') req.reply({ status: 200, toTag: 't1' });
      return true;
    });
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    transport.inject(raw({ method: 'INVITE' }));
    transport.inject(raw({ method: 'ACK', branch: 'z9hG4bKack2xx', cseq: '314159 ACK', to: 'Bob <sip:bob@biloxi.example.com>;tag=t1' }));
    await settle();
    assert.deepEqual(methods, ['INVITE', 'ACK']);
    assert.deepEqual(transport.statuses(), [200]);
  });

  it('RFC 3261 17.2.3: RFC 2543 requests without the magic cookie match by Call-ID, CSeq, From tag, R-URI and Via', async () => {
    const { transport, stack } = harness();
    let calls = 0;
    stack.use((req) => {
      calls++;
      req.reply({ status: 200 });
      return true;
    });
    const old = raw({ method: 'MESSAGE', via: 'SIP/2.0/UDP pc33.atlanta.example.com' });
    transport.inject(old);
    await settle();
    transport.inject(old);
    await settle();
    assert.equal(calls, 1);
    assert.deepEqual(transport.statuses(), [200, 200]);
  });

  it('RFC 3261 9.2: CANCEL gets 200, the handler is told, and the INVITE gets 487', async () => {
    const { transport, stack } = harness();
    let cancelled = 0;
    stack.use((req: IncomingRequest) => {
      req.onCancel?.(() => cancelled++);
      req.reply({ status: 180 });
      return true;
    });
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    transport.inject(raw({ method: 'CANCEL', cseq: '314159 CANCEL' }));
    await settle();
    assert.equal(cancelled, 1);
    const rs = transport.responses().map((r) => `${r.status} ${hdr(r, 'CSeq')}`);
    assert.deepEqual(rs, ['180 314159 INVITE', '200 314159 CANCEL', '487 314159 INVITE']);
  });

  it('RFC 3261 9.2 / 17.2.3: a CANCEL for an RFC 2543 INVITE (no magic cookie) matches it', async () => {
    const { transport, stack } = harness();
    stack.use(() => true);
    const via = 'SIP/2.0/UDP pc33.atlanta.example.com';
    transport.inject(raw({ method: 'INVITE', via }));
    await settle();
    transport.inject(raw({ method: 'CANCEL', via, cseq: '314159 CANCEL' }));
    await settle();
    assert.deepEqual(transport.statuses(), [200, 487]);
  });

  it('RFC 3261 9.2: CANCEL after the final response gets 200 and changes nothing', async () => {
    const { transport, stack } = harness();
    stack.use((req) => {
      req.reply({ status: 486 });
      return true;
    });
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    transport.inject(raw({ method: 'CANCEL', cseq: '314159 CANCEL' }));
    await settle();
    assert.deepEqual(transport.statuses(), [486, 200]);
  });

  it('RFC 3261 9.2: a CANCEL that matches no transaction gets 481', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'CANCEL', branch: 'z9hG4bKnothing', cseq: '1 CANCEL' }));
    await settle();
    assert.deepEqual(transport.statuses(), [481]);
  });

  it('RFC 3261 8.2.2.2: a merged request (same From tag, Call-ID, CSeq; other branch; no To-tag) gets 482', async () => {
    const { transport, stack } = harness();
    let calls = 0;
    stack.use(() => {
      calls++;
      return true; // keeps the first INVITE pending
    });
    transport.inject(raw({ method: 'INVITE', branch: 'z9hG4bKpath1' }));
    await settle();
    transport.inject(raw({ method: 'INVITE', branch: 'z9hG4bKpath2', via: 'SIP/2.0/UDP proxy2.example.com;branch=z9hG4bKpath2' }));
    await settle();
    assert.equal(calls, 1);
    assert.deepEqual(transport.statuses(), [482]);
  });
});

describe('core safety nets and hooks', () => {
  it('RFC 3261 9.2: the 200 to a CANCEL carries the To-tag of the INVITE responses', async () => {
    const { transport, stack } = harness();
    stack.use((req) => {
      req.reply({ status: 180 });
      return true;
    });
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    transport.inject(raw({ method: 'CANCEL', cseq: '314159 CANCEL' }));
    await settle();
    const tags = transport.responses().map((r) => /;tag=([^;>]+)/.exec(hdr(r, 'To') ?? '')?.[1]);
    assert.equal(tags.length, 3);
    assert.ok(tags[0]);
    assert.deepEqual(new Set(tags).size, 1);
  });

  it('RFC 3261 17.1.2.2: a non-INVITE the handler never answers gets 500 after 64*T1 (the client gave up)', async () => {
    const { transport, stack, clock } = harness();
    stack.use(() => true);
    transport.inject(raw({ method: 'MESSAGE' }));
    await settle();
    clock.advance(64 * 500 - 1);
    assert.deepEqual(transport.statuses(), []);
    clock.advance(1);
    assert.deepEqual(transport.statuses(), [500]);
  });

  it('observer hooks count messages in and out and transactions created and terminated', async () => {
    const events: string[] = [];
    const { transport, clock } = harness('tcp', {
      observer: {
        onMessage: (d, label) => events.push(`${d} ${label}`),
        onTransaction: (e, side) => events.push(`${e} ${side}`),
      },
    });
    transport.inject(raw({ method: 'OPTIONS', via: 'SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bKobs' }));
    await settle();
    clock.advance(0);
    assert.deepEqual(events, ['in OPTIONS', 'created server', 'out 200', 'terminated server']);
  });

  it('an observer that throws does not disturb signalling', async () => {
    const { transport } = harness('udp', {
      observer: {
        onMessage: () => {
          throw new Error('metrics down');
        },
      },
    });
    transport.inject(raw({ method: 'OPTIONS' }));
    await settle();
    assert.deepEqual(transport.statuses(), [200]);
  });
});
