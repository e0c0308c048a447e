import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { getHeaderValues, getVias } from '../message/headers.js';
import { harness, hdr, raw, settle } from './test-support.js';

describe('SIP core defaults (RFC 3261 8.2)', () => {
  it('RFC 3261 8.2.1 / 21.5.2: a method nobody handles and the stack does not know gets 501', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'FOOBAR' }));
    await settle();
    assert.deepEqual(transport.statuses(), [501]);
  });

  it('RFC 3261 8.2.1: a recognised method nobody handles gets 405 with Allow', async () => {
    const { transport } = harness('udp', { allow: ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS'] });
    transport.inject(raw({ method: 'SUBSCRIBE' }));
    await settle();
    const [r] = transport.responses();
    assert.equal(r?.status, 405);
    assert.equal(hdr(r!, 'Allow'), 'INVITE, ACK, CANCEL, BYE, OPTIONS');
  });

  it('RFC 3261 11.2: OPTIONS nobody handles gets 200 with Allow, Accept and Supported', async () => {
    const { transport } = harness('udp', { allow: ['INVITE', 'ACK', 'OPTIONS'], supported: ['path', 'outbound'] });
    transport.inject(raw({ method: 'OPTIONS' }));
    await settle();
    const [r] = transport.responses();
    assert.equal(r?.status, 200);
    assert.equal(hdr(r!, 'Allow'), 'INVITE, ACK, OPTIONS');
    assert.equal(hdr(r!, 'Accept'), 'application/sdp');
    assert.deepEqual(getHeaderValues(r!, 'Supported'), ['path', 'outbound']);
    // RFC 3261 8.2.6.2: a To-tag is added, Call-ID/CSeq/From copied
    assert.match(hdr(r!, 'To') ?? '', /;tag=\w+/);
    assert.equal(hdr(r!, 'CSeq'), '314159 OPTIONS');
    assert.equal(hdr(r!, 'Call-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
  });

  it('RFC 3261 11.1 / 16.3: OPTIONS with Max-Forwards 0 is answered by a UAS, not 483', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS' }).replace('Max-Forwards: 70', 'Max-Forwards: 0'));
    await settle();
    assert.deepEqual(transport.statuses(), [200]);
  });

  it('RFC 3261 8.2.2.1: a Request-URI scheme other than sip/sips/tel gets 416', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', uri: 'mailto:bob@biloxi.example.com' }));
    await settle();
    assert.deepEqual(transport.statuses(), [416]);
  });

  it('RFC 3261 8.2.2.1: a tel: Request-URI is accepted', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', uri: 'tel:+15555551234' }));
    await settle();
    assert.deepEqual(transport.statuses(), [200]);
  });

  it('RFC 3261 8.2.2.3: Require with an unsupported extension gets 420 listing it in Unsupported', async () => {
    const { transport } = harness('udp', { supported: ['path'] });
    transport.inject(raw({ method: 'OPTIONS', extra: ['Require: path, foo-bar'] }));
    await settle();
    const [r] = transport.responses();
    assert.equal(r?.status, 420);
    assert.deepEqual(getHeaderValues(r!, 'Unsupported'), ['foo-bar']);
  });

  it('RFC 3261 8.2.2.3: Require on an ACK is not checked (no response to ACK)', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'ACK', to: 'Bob <sip:bob@biloxi.example.com>;tag=x', extra: ['Require: foo-bar'] }));
    await settle();
    assert.deepEqual(transport.statuses(), []);
  });

  it('RFC 3261 8.1.1.4 / 8.2.6: a request missing Call-ID gets 400 (a response is still built)', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', callId: null }));
    await settle();
    const [r] = transport.responses();
    assert.equal(r?.status, 400);
    // RFC 3261 20.43: a Warning names the problem
    assert.match(hdr(r!, 'Warning') ?? '', /^399 \S+ ".*Call-ID.*"$/);
  });

  it('RFC 3261 21.5.9: a request over the size limit gets 513', async () => {
    const { transport } = harness();
    const big = 'x'.repeat(70_000);
    transport.inject(raw({ method: 'MESSAGE' }).replace('Content-Length: 0\n\n', `Content-Type: text/plain\nContent-Length: ${big.length}\n\n${big}`));
    await settle();
    assert.deepEqual(transport.statuses(), [513]);
  });

  it('RFC 3261 8.2.6: a malformed CSeq gets 400 naming it; a broken ACK gets nothing', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', cseq: 'abc OPTIONS' }));
    transport.inject(raw({ method: 'ACK', cseq: 'abc ACK', branch: 'z9hG4bKack' }));
    await settle();
    const rs = transport.responses();
    assert.deepEqual(rs.map((r) => r.status), [400]);
    assert.match(hdr(rs[0]!, 'Warning') ?? '', /CSeq/);
  });

  it('a request without a Via cannot be answered and is dropped', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS' }).replace(/Via: [^\n]*\n/, ''));
    await settle();
    assert.equal(transport.sent.length, 0);
  });

  it('RFC 3261 8.1.1.5: a CSeq method that differs from the request method gets 400', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', cseq: '1 INVITE' }));
    await settle();
    assert.deepEqual(transport.statuses(), [400]);
  });

  it('RFC 3261 21.5.7: a request in another SIP version gets 505', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', version: 'SIP/7.0' }));
    await settle();
    assert.deepEqual(transport.statuses(), [505]);
  });

  it('RFC 3261 17: an ACK nobody handles is absorbed without a response', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'ACK', to: 'Bob <sip:bob@biloxi.example.com>;tag=abc' }));
    await settle();
    assert.equal(transport.sent.length, 0);
  });

  it('RFC 3261 12.2.2: an in-dialog request (To-tag) for an unknown dialog gets 481', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'BYE', to: 'Bob <sip:bob@biloxi.example.com>;tag=unknown' }));
    await settle();
    assert.deepEqual(transport.statuses(), [481]);
  });

  it('a response is never answered with a response', async () => {
    const { transport } = harness();
    transport.inject(
      'SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnomatch\nTo: <sip:a@b>;tag=1\nFrom: <sip:c@d>;tag=2\nCall-ID: x\nCSeq: 1 OPTIONS\nContent-Length: 0\n\n',
    );
    transport.inject('SIP/2.0 200 OK\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKnomatch\nContent-Length: 0\n\n');
    await settle();
    assert.equal(transport.sent.length, 0);
  });

  it('ingress filter: a dropped source gets nothing back, not even an error', async () => {
    const { transport, stack } = harness();
    stack.setIngressFilter((flow) => (flow.remote.address === '198.51.100.7' ? 'drop' : 'accept'));
    transport.inject(raw({ method: 'OPTIONS' }));
    transport.inject(raw({ method: 'OPTIONS', callId: null }));
    await settle();
    assert.equal(transport.sent.length, 0);
  });
});

describe('listener chain', () => {
  it('handlers run in order; the first returning true answers', async () => {
    const { transport, stack } = harness();
    const seen: string[] = [];
    stack.use((req) => {
      seen.push('a');
      return req.message.method === 'REGISTER' ? (req.reply({ status: 200 }), true) : false;
    });
    stack.use(async (req) => {
      seen.push('b');
      req.reply({ status: 202 });
      return true;
    });
    stack.use(() => {
      seen.push('c');
      return true;
    });
    transport.inject(raw({ method: 'MESSAGE' }));
    await settle();
    assert.deepEqual(seen, ['a', 'b']);
    assert.deepEqual(transport.statuses(), [202]);
  });

  it('CONVENTIONS 11: a handler that throws gets the request answered 500 and the stack keeps working', async () => {
    const { transport, stack } = harness();
    stack.use(async (req) => {
      if (req.message.method === 'MESSAGE') throw new Error('boom');
      return false;
    });
    transport.inject(raw({ method: 'MESSAGE' }));
    transport.inject(raw({ method: 'OPTIONS', branch: 'z9hG4bKother', cseq: '2 OPTIONS' }));
    await settle();
    assert.deepEqual(transport.statuses(), [500, 200]);
  });

  it('RFC 3261 8.2.6.2: every response of one request carries the same generated To-tag', async () => {
    const { transport, stack } = harness();
    stack.use((req) => {
      req.reply({ status: 180 });
      req.reply({ status: 200 });
      return true;
    });
    transport.inject(raw({ method: 'INVITE' }));
    await settle();
    const [ringing, ok] = transport.responses();
    const tag = (v: string | undefined): string | undefined => /;tag=([^;>]+)/.exec(v ?? '')?.[1];
    assert.ok(tag(hdr(ringing!, 'To')));
    assert.equal(tag(hdr(ringing!, 'To')), tag(hdr(ok!, 'To')));
  });

  it('RFC 3261 8.2.6.2: ReplyOptions.toTag is used; a request that had a To-tag keeps it', async () => {
    const { transport, stack } = harness();
    stack.use((req) => {
      req.reply({ status: 200, toTag: 'mine' });
      return true;
    });
    transport.inject(raw({ method: 'MESSAGE' }));
    transport.inject(raw({ method: 'MESSAGE', branch: 'z9hG4bK2', cseq: '2 MESSAGE', to: '<sip:bob@biloxi.example.com>;tag=theirs' }));
    await settle();
    const [a, b] = transport.responses();
    assert.equal(hdr(a!, 'To'), 'Bob <sip:bob@biloxi.example.com>;tag=mine');
    assert.equal(hdr(b!, 'To'), '<sip:bob@biloxi.example.com>;tag=theirs');
  });
});

describe('response routing (RFC 3261 18.2, RFC 3581)', () => {
  it('RFC 3581 4: rport is filled and received added; the response goes to the source address and port', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', via: 'SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKnat;rport' }));
    await settle();
    const [sent] = transport.sent;
    assert.ok(sent);
    const vias = getVias(sent.message);
    assert.ok(vias.ok);
    assert.equal(vias.value[0]?.received, '198.51.100.7');
    assert.equal(vias.value[0]?.rport, 40000);
    assert.deepEqual(sent.to.remote, { address: '198.51.100.7', port: 40000 });
  });

  it('RFC 3261 18.2.1: received is added when sent-by differs; without rport the sent-by port is used (18.2.2)', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', via: 'SIP/2.0/UDP pc33.atlanta.example.com:5066;branch=z9hG4bKr' }));
    await settle();
    const [sent] = transport.sent;
    const vias = getVias(sent!.message);
    assert.ok(vias.ok);
    assert.equal(vias.value[0]?.received, '198.51.100.7');
    assert.equal(vias.value[0]?.rport, undefined);
    assert.deepEqual(sent!.to.remote, { address: '198.51.100.7', port: 5066 });
  });

  it('RFC 3261 18.2.1: no received when sent-by is the source address', async () => {
    const { transport } = harness();
    transport.inject(raw({ method: 'OPTIONS', via: 'SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKs' }));
    await settle();
    const [sent] = transport.sent;
    assert.equal(hdr(sent!.message, 'Via'), 'SIP/2.0/UDP 198.51.100.7:5070;branch=z9hG4bKs');
    assert.deepEqual(sent!.to.remote, { address: '198.51.100.7', port: 5070 });
  });

  it('RFC 3261 18.2.1 / RFC 5118: an IPv6 source is recorded in received and used for the response', async () => {
    const { transport } = harness();
    const flow = transport.flow({ address: '2001:db8::9', port: 41000 });
    transport.inject(raw({ method: 'OPTIONS', via: 'SIP/2.0/UDP [2001:db8::5]:5062;branch=z9hG4bKv6;rport' }), flow);
    await settle();
    const [sent] = transport.sent;
    const vias = getVias(sent!.message);
    assert.ok(vias.ok, vias.ok ? '' : vias.error);
    assert.equal(vias.value[0]?.received, '2001:db8::9');
    assert.deepEqual(sent!.to.remote, { address: '2001:db8::9', port: 41000 });
  });

  it('RFC 3261 18.2.2: on a reliable transport the response goes back on the same connection', async () => {
    const { transport } = harness('tcp');
    transport.inject(raw({ method: 'OPTIONS', via: 'SIP/2.0/TCP 10.0.0.5:5062;branch=z9hG4bKt;rport' }));
    await settle();
    const [sent] = transport.sent;
    assert.ok(sent && 'connectionId' in sent.to);
    assert.equal(sent.to.connectionId, 'c1');
  });

  it('IncomingRequest.source is the real source of the flow (RFC 3581)', async () => {
    const { transport, stack } = harness();
    let source: unknown;
    stack.use((req) => {
      source = req.source;
      req.reply({ status: 200 });
      return true;
    });
    transport.inject(raw({ method: 'MESSAGE', via: 'SIP/2.0/UDP 10.0.0.5:5062;branch=z9hG4bKsrc;rport' }));
    await settle();
    assert.deepEqual(source, { address: '198.51.100.7', port: 40000 });
  });
});
