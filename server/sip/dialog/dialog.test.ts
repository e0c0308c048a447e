import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../message/parser.js';
import { getHeader, getHeaderLines } from '../message/headers.js';
import type { SipRequest, SipResponse } from '../message/types.js';
import { FakeClock } from '../clock.js';
import { DEFAULT_TIMER_VALUES } from '../transaction/timers.js';
import { uacDialog, uasDialog } from './dialog.js';
import { retransmitUntilAck } from './retransmit.js';

const flow = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '127.0.0.1', port: 5070 } };

function parse(text: string) {
  const r = parseMessage(Buffer.from(text.replace(/\n/g, '\r\n')));
  assert.ok(r.ok, r.ok ? '' : r.error.detail);
  return r.value;
}

// RFC 3665 §3.1-style INVITE with a Record-Route from a proxy on the way
const invite = parse(`INVITE sip:bob@biloxi.example.com SIP/2.0
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
Max-Forwards: 70
To: Bob <sip:bob@biloxi.example.com>
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
Call-ID: 3848276298220188511@atlanta.example.com
CSeq: 2 INVITE
Contact: <sip:alice@client.atlanta.example.com;transport=udp>
Content-Length: 0

`) as SipRequest;

describe('RFC 3261 §12.1.1 UAS dialog', () => {
  const d = uasDialog({ invite, localTag: 'b0b', flow });
  it('takes the remote target from Contact and the route set from Record-Route in order', () => {
    assert.ok(d);
    const bye = d.request({ method: 'BYE' });
    assert.equal(bye.uri, 'sip:alice@client.atlanta.example.com;transport=udp');
    assert.deepEqual(getHeaderLines(bye, 'Route'), ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>']);
  });
  it('§12.2.1.1: From carries our tag, To the remote tag; CSeq of our first request is ours, the Call-ID the dialog\'s', () => {
    assert.ok(d);
    const bye = d.request({ method: 'BYE' });
    assert.match(getHeader(bye, 'From') ?? '', /^Bob <sip:bob@biloxi\.example\.com>;tag=b0b$/);
    assert.match(getHeader(bye, 'To') ?? '', /tag=9fxced76sl/);
    assert.equal(getHeader(bye, 'Call-ID'), '3848276298220188511@atlanta.example.com');
    assert.match(getHeader(bye, 'CSeq') ?? '', /^\d+ BYE$/);
  });
  it('§12.2.2: a request with a lower CSeq than the last is out of order', () => {
    const dd = uasDialog({ invite, localTag: 'x', flow });
    assert.ok(dd);
    const old = parse(invite.headers.map((h) => `${h.name}: ${h.value}`).join('\n').replace('CSeq: 2 INVITE', 'CSeq: 1 BYE').replace(/^/, 'BYE sip:bob@h SIP/2.0\n') + '\n\n') as SipRequest;
    assert.equal(dd.receive(old), 'out-of-order');
  });
});

describe('RFC 3261 §12.1.2 UAC dialog and §13.2.2.4 ACK', () => {
  const ok = parse(`SIP/2.0 200 OK
Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8
Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>
To: Bob <sip:bob@biloxi.example.com>;tag=314159
From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl
Call-ID: 3848276298220188511@atlanta.example.com
CSeq: 2 INVITE
Contact: <sip:bob@192.0.2.4>
Content-Length: 0

`) as SipResponse;
  const d = uacDialog({ invite, response: ok, flow });
  it('route set is the Record-Route reversed; ACK has the INVITE CSeq number and the remote target', () => {
    assert.ok(d);
    const ack = d.ack(2);
    assert.equal(ack.uri, 'sip:bob@192.0.2.4');
    assert.equal(getHeader(ack, 'CSeq'), '2 ACK');
    assert.deepEqual(getHeaderLines(ack, 'Route'), ['<sip:p2.example.com;lr>', '<sip:p1.example.com;lr>']);
    assert.match(getHeader(ack, 'To') ?? '', /tag=314159/);
  });
  it('§12.2.1.1: the next request increments the local CSeq by one', () => {
    assert.ok(d);
    assert.equal(getHeader(d.request({ method: 'BYE' }), 'CSeq'), '3 BYE');
    assert.equal(getHeader(d.request({ method: 'INFO' }), 'CSeq'), '4 INFO');
  });
});

describe('RFC 3261 §13.3.1.4 2xx retransmission', () => {
  it('re-sends at T1, 2T1, 4T1 … capped at T2 and gives up after 64*T1', () => {
    const clock = new FakeClock();
    const sent: number[] = [];
    let gaveUp = false;
    retransmitUntilAck({ clock, timers: DEFAULT_TIMER_VALUES, reliable: false, resend: () => sent.push(clock.now()), onAckTimeout: () => (gaveUp = true) });
    clock.advance(64 * 500);
    const start = clock.now() - 64 * 500;
    const gaps = sent.map((t, i) => t - (i === 0 ? start : sent[i - 1]!));
    assert.deepEqual(gaps.slice(0, 5), [500, 1000, 2000, 4000, 4000]);
    assert.ok(gaveUp);
  });
  it('stops when the ACK arrives', () => {
    const clock = new FakeClock();
    let n = 0;
    const stop = retransmitUntilAck({ clock, timers: DEFAULT_TIMER_VALUES, reliable: false, resend: () => n++, onAckTimeout: () => assert.fail('no timeout after ACK') });
    clock.advance(600);
    stop();
    clock.advance(64 * 500);
    assert.equal(n, 1);
  });
});
