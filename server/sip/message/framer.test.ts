import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer } from './framer.js';
import type { FramerEvent } from './framer.js';

const msg = (body: string): Buffer =>
  Buffer.from(`OPTIONS sip:a@b.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nl: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

const messages = (events: FramerEvent[]): string[] =>
  events.flatMap((e) => (e.type === 'message' ? [Buffer.from(e.bytes).toString()] : []));

describe('StreamFramer (RFC 3261 §18.3)', () => {
  it('RFC 3261 §18.3: splits back-to-back messages by Content-Length', () => {
    const f = new StreamFramer();
    const events = f.push(Buffer.concat([msg('abc'), msg(''), msg('☎☎')]));
    assert.deepEqual(messages(events), [msg('abc').toString(), msg('').toString(), msg('☎☎').toString()]);
    assert.equal(f.buffered, 0);
  });
  it('works when bytes arrive one at a time', () => {
    const f = new StreamFramer();
    const input = Buffer.concat([msg('hello'), Buffer.from('\r\n\r\n'), msg('x')]);
    const events: FramerEvent[] = [];
    for (const b of input) events.push(...f.push(Uint8Array.of(b)));
    assert.deepEqual(events.map((e) => e.type), ['message', 'keepalive', 'message']);
    assert.deepEqual(messages(events), [msg('hello').toString(), msg('x').toString()]);
  });
  it('RFC 5626 §4.4.1: a lone CRLFCRLF ping yields keepalive; a CRLF pong is skipped', () => {
    const f = new StreamFramer();
    assert.deepEqual(f.push(Buffer.from('\r\n\r\n')), [{ type: 'keepalive' }]);
    assert.deepEqual(f.push(Buffer.from('\r\n')), []);
    assert.equal(f.partial, false, 'a held CRLF pong is not part of a message');
    assert.deepEqual(messages(f.push(msg('z'))), [msg('z').toString()]);
  });
  it('partial is true once a start line has begun, false again when the message is complete', () => {
    const f = new StreamFramer();
    assert.equal(f.partial, false);
    const whole = msg('abc');
    f.push(whole.subarray(0, 5));
    assert.equal(f.partial, true);
    f.push(whole.subarray(5));
    assert.equal(f.partial, false);
  });
  it('RFC 3261 §18.3: a stream message without Content-Length is a framing error; the framer stays failed', () => {
    const f = new StreamFramer();
    const events = f.push(Buffer.from('OPTIONS sip:a@b.com SIP/2.0\r\nVia: x\r\n\r\n'));
    assert.equal(events[0]?.type, 'error');
    assert.ok(events[0]?.type === 'error' && events[0].error.code === 'bad-content-length');
    assert.ok(f.failed);
    assert.deepEqual(f.push(msg('')), []);
  });
  it('RFC 4475 §3.1.2.3 / §3.3.9: negative or conflicting Content-Length is an error', () => {
    for (const head of ['Content-Length: -5', 'Content-Length: 1\r\nContent-Length: 2']) {
      const events = new StreamFramer().push(Buffer.from(`OPTIONS sip:a@b.com SIP/2.0\r\n${head}\r\n\r\nab`));
      assert.equal(events[0]?.type, 'error', head);
    }
  });
  it('bounded buffering: a head or message over maxMessageBytes is an error', () => {
    const f = new StreamFramer({ maxMessageBytes: 100 });
    assert.equal(f.push(Buffer.from(`OPTIONS sip:a@b.com SIP/2.0\r\nX: ${'a'.repeat(200)}`))[0]?.type, 'error');
    const g = new StreamFramer({ maxMessageBytes: 100 });
    const ev = g.push(Buffer.from('OPTIONS sip:a@b.com SIP/2.0\r\nContent-Length: 5000\r\n\r\n'));
    assert.ok(ev[0]?.type === 'error' && ev[0].error.code === 'too-large');
  });
  it('waits for the rest of a body that has not arrived yet', () => {
    const f = new StreamFramer();
    const whole = msg('0123456789');
    assert.deepEqual(f.push(whole.subarray(0, whole.length - 3)), []);
    assert.deepEqual(messages(f.push(whole.subarray(whole.length - 3))), [whole.toString()]);
  });
});
