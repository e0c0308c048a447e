import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest } from '../message/types.js';
import { harness, hdr, settle } from './test-support.js';

describe('client transactions in the core (RFC 3261 17.1, 8.1)', () => {
  const target = { protocol: 'udp' as const, remote: { address: '203.0.113.9', port: 5060 } };
  const options = (method = 'OPTIONS'): SipRequest => ({
    kind: 'request',
    method,
    uri: 'sip:carrier.example.net',
    version: 'SIP/2.0',
    headers: [
      { name: 'To', value: '<sip:carrier.example.net>' },
      { name: 'From', value: '<sip:hailing@example.com>;tag=ours' },
      { name: 'Call-ID', value: 'c1@example.com' },
      { name: 'CSeq', value: `1 ${method}` },
    ],
    body: new Uint8Array(0),
  });

  it('RFC 3261 8.1.1.7 / RFC 3581 3: the request gets our Via with a magic-cookie branch and rport', async () => {
    const { transport, stack } = harness();
    void stack.request({ request: options(), to: target });
    await settle();
    const via = hdr(transport.sent[0]!.message, 'Via') ?? '';
    assert.match(via, /^SIP\/2\.0\/UDP 192\.0\.2\.1:5060;branch=z9hG4bK[^;]+;rport$/);
    assert.equal(hdr(transport.sent[0]!.message, 'Max-Forwards'), '70');
  });

  it('RFC 3261 17.1.3: the matching response resolves the request; 1xx go to onProvisional', async () => {
    const { transport, stack } = harness();
    const provisional: number[] = [];
    const pending = stack.request({ request: options('INVITE'), to: target, onProvisional: (r) => provisional.push(r.status) });
    await settle();
    const via = hdr(transport.sent[0]!.message, 'Via');
    const reply = (status: string, cseq = '1 INVITE', v = via) =>
      `SIP/2.0 ${status}\nVia: ${v}\nTo: <sip:carrier.example.net>;tag=c\nFrom: <sip:hailing@example.com>;tag=ours\nCall-ID: c1@example.com\nCSeq: ${cseq}\nContent-Length: 0\n\n`;
    transport.inject(reply('180 Ringing'), transport.flow(target.remote));
    transport.inject(reply('200 OK', '1 OPTIONS'), transport.flow(target.remote)); // other method: no match
    transport.inject(reply('200 OK', '1 INVITE', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKother'), transport.flow(target.remote));
    transport.inject(reply('200 OK'), transport.flow(target.remote));
    const final = await pending;
    assert.equal(final.status, 200);
    assert.deepEqual(provisional, [180]);
  });

  it('RFC 3261 8.1.3.1: Timer F expiry resolves with a locally made 408', async () => {
    const { transport, stack, clock } = harness();
    const pending = stack.request({ request: options(), to: target });
    await settle();
    clock.advance(64 * 500);
    const final = await pending;
    assert.equal(final.status, 408);
    assert.ok(transport.sent.length > 1, 'retransmitted on UDP (Timer E)');
  });

  it('RFC 3261 8.1.3.1: Timer B expiry for an INVITE resolves with 408 after 64*T1', async () => {
    const { stack, clock } = harness('tcp');
    let done = 0;
    const pending = stack.request({ request: options('INVITE'), to: { protocol: 'tcp', remote: target.remote } }).then((r) => {
      done = r.status;
      return r;
    });
    await settle();
    clock.advance(64 * 500 - 1);
    await settle();
    assert.equal(done, 0);
    clock.advance(1);
    assert.equal((await pending).status, 408);
  });

  it('RFC 3261 8.1.3.1: a transport failure resolves with a locally made 503', async () => {
    const { transport, stack } = harness();
    transport.failSends = true;
    const final = await stack.request({ request: options(), to: target });
    assert.equal(final.status, 503);
  });

  it('RFC 3261 9.1: aborting an INVITE sends CANCEL only after a provisional, with the INVITE top Via', async () => {
    const { transport, stack } = harness();
    const abort = new AbortController();
    const pending = stack.request({ request: options('INVITE'), to: target, signal: abort.signal });
    await settle();
    abort.abort();
    await settle();
    assert.equal(transport.sent.length, 1, 'no CANCEL before a provisional response');
    const invite = transport.sent[0]!.message;
    const via = hdr(invite, 'Via');
    transport.inject(
      `SIP/2.0 180 Ringing\nVia: ${via}\nTo: <sip:carrier.example.net>;tag=c\nFrom: <sip:hailing@example.com>;tag=ours\nCall-ID: c1@example.com\nCSeq: 1 INVITE\nContent-Length: 0\n\n`,
      transport.flow(target.remote),
    );
    await settle();
    const cancel = transport.sent[1]!.message;
    assert.equal(cancel.kind === 'request' && cancel.method, 'CANCEL');
    assert.equal(hdr(cancel, 'Via'), via);
    assert.equal(hdr(cancel, 'CSeq'), '1 CANCEL');
    transport.inject(
      `SIP/2.0 487 Request Terminated\nVia: ${via}\nTo: <sip:carrier.example.net>;tag=c\nFrom: <sip:hailing@example.com>;tag=ours\nCall-ID: c1@example.com\nCSeq: 1 INVITE\nContent-Length: 0\n\n`,
      transport.flow(target.remote),
    );
    assert.equal((await pending).status, 487);
    // RFC 3261 17.1.1.3: the transaction ACKs the 487
    assert.ok(transport.sent.some((s) => s.message.kind === 'request' && s.message.method === 'ACK'));
  });

  it('RFC 3326 §2: an abort whose reason is a Reason value puts it in the CANCEL; any other reason adds none', async () => {
    for (const [why, expected] of [['SIP;cause=200;text="Call completed elsewhere"', 'SIP;cause=200;text="Call completed elsewhere"'], [new Error('gone'), undefined]] as const) {
      const { transport, stack } = harness();
      const abort = new AbortController();
      void stack.request({ request: options('INVITE'), to: target, signal: abort.signal });
      await settle();
      const via = hdr(transport.sent[0]!.message, 'Via');
      transport.inject(
        `SIP/2.0 180 Ringing\nVia: ${via}\nTo: <sip:carrier.example.net>;tag=c\nFrom: <sip:hailing@example.com>;tag=ours\nCall-ID: c1@example.com\nCSeq: 1 INVITE\nContent-Length: 0\n\n`,
        transport.flow(target.remote),
      );
      await settle();
      abort.abort(why);
      await settle();
      const cancel = transport.sent[1]!.message;
      assert.equal(cancel.kind === 'request' && cancel.method, 'CANCEL');
      assert.equal(hdr(cancel, 'Reason'), expected);
    }
  });

  it('close(): new requests get 503; pending ones get 503 once drainMs has passed', async () => {
    const { stack, clock } = harness('udp', { drainMs: 1000 });
    const pending = stack.request({ request: options('INVITE'), to: { protocol: 'tcp', remote: target.remote } });
    await settle();
    const closing = stack.close();
    const refused = await stack.request({ request: options(), to: target });
    assert.equal(refused.status, 503);
    await settle();
    clock.advance(1000);
    await closing;
    assert.equal((await pending).status, 503);
  });

  it('RFC 3261 13.2.2.4: the ACK for a 2xx is sent once, outside any transaction, with a new branch', async () => {
    const { transport, stack, clock } = harness();
    const ack = { ...options('ACK') };
    await stack.sendAck({ request: ack, to: target });
    clock.advance(64 * 500);
    assert.equal(transport.sent.length, 1, 'no retransmission: not a transaction');
    assert.match(hdr(transport.sent[0]!.message, 'Via') ?? '', /;branch=z9hG4bK/);
    const refused = await stack.request({ request: ack, to: target });
    assert.equal(refused.status, 400);
  });
});
