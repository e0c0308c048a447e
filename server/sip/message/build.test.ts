import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, createResponse, newBranch, newCallId, newTag, reasonPhrase, withHeaders } from './build.js';
import { parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import { getHeader, getHeaderLines } from './headers.js';
import type { SipRequest } from './types.js';

function request(): SipRequest {
  const r = parseMessage(Buffer.from([
    'INVITE sip:bob@biloxi.com SIP/2.0', 'Via: SIP/2.0/UDP p1.com;branch=z9hG4bK1', 'Via: SIP/2.0/UDP p2.com;branch=z9hG4bK2',
    'Max-Forwards: 70', 'To: Bob <sip:bob@biloxi.com>', 'From: <sip:alice@atlanta.com>;tag=88', 'Call-ID: c1', 'CSeq: 7 INVITE',
    'Timestamp: 54', 'Subject: hi', 'Content-Length: 0', '', '',
  ].join('\r\n')));
  assert.ok(r.ok && r.value.kind === 'request');
  return r.value;
}

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('RFC 3261 §8.2.6.2: copies Via in order, From, To, Call-ID, CSeq; adds the To tag', () => {
    const res = createResponse(request(), { status: 486, toTag: 'abc' });
    assert.equal(res.reason, 'Busy Here');
    assert.deepEqual(res.headers.map((h) => h.name), ['Via', 'Via', 'To', 'From', 'Call-ID', 'CSeq']);
    assert.deepEqual(getHeaderLines(res, 'Via'), ['SIP/2.0/UDP p1.com;branch=z9hG4bK1', 'SIP/2.0/UDP p2.com;branch=z9hG4bK2']);
    assert.equal(getHeader(res, 'To'), 'Bob <sip:bob@biloxi.com>;tag=abc');
    assert.ok(Object.isFrozen(res));
  });
  it('RFC 3261 §8.2.6.1: a 100 Trying copies Timestamp', () => {
    assert.equal(getHeader(createResponse(request(), { status: 100 }), 'Timestamp'), '54');
    assert.equal(getHeader(createResponse(request(), { status: 200 }), 'Timestamp'), undefined);
  });
  it('an existing To tag is kept; extra headers and body appended; serializer adds Content-Length', () => {
    const inDialog = withHeaders(request(), { replace: [['To', '<sip:bob@biloxi.com>;tag=old']] });
    const res = createResponse(inDialog, { status: 200, toTag: 'new', headers: [['Contact', '<sip:b@h>']], body: 'ok' });
    assert.equal(getHeader(res, 'To'), '<sip:bob@biloxi.com>;tag=old');
    const again = parseMessage(serializeMessage(res));
    assert.ok(again.ok);
    assert.equal(getHeader(again.value, 'Content-Length'), '2');
    assert.equal(getHeader(again.value, 'Contact'), '<sip:b@h>');
  });
});

describe('reasonPhrase (RFC 3261 §21 and extensions)', () => {
  it('known codes and class defaults', () => {
    assert.equal(reasonPhrase(423), 'Interval Too Brief');
    assert.equal(reasonPhrase(420), 'Bad Extension');
    assert.equal(reasonPhrase(421), 'Extension Required');
    assert.equal(reasonPhrase(429), 'Provide Referrer Identity');
    assert.equal(reasonPhrase(494), 'Security Agreement Required');
    assert.equal(reasonPhrase(481), 'Call/Transaction Does Not Exist');
    assert.equal(reasonPhrase(499), 'Client Error');
  });
});

describe('createRequest / withHeaders', () => {
  it('canonical names; replace keeps position, prepend, add, remove; original untouched', () => {
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:a@b.com', headers: [['v', 'SIP/2.0/UDP x;branch=z9hG4bK1'], ['call-id', 'q'], ['Subject', 's']] });
    assert.deepEqual(req.headers.map((h) => h.name), ['Via', 'Call-ID', 'Subject']);
    const next = withHeaders(req, {
      prepend: [['Via', 'SIP/2.0/TCP y;branch=z9hG4bK2']], replace: [['Call-ID', 'r']], remove: ['s'], add: [['Max-Forwards', '70']],
    });
    assert.deepEqual(next.headers.map((h) => `${h.name}:${h.value}`), ['Via:SIP/2.0/TCP y;branch=z9hG4bK2', 'Via:SIP/2.0/UDP x;branch=z9hG4bK1', 'Call-ID:r', 'Max-Forwards:70']);
    assert.equal(req.headers.length, 3);
    assert.ok(Object.isFrozen(next));
  });
});

describe('serializeMessage (RFC 3261 §7)', () => {
  it('writes the start line, long names, one byte-correct Content-Length, CRLF, body', () => {
    const req = createRequest({ method: 'MESSAGE', uri: 'sip:a@b.com', headers: [['l', '999'], ['f', '<sip:x@y>;tag=1']], body: 'ünïcode ☎' });
    const text = serializeMessage(req).toString('utf8');
    assert.equal(text, 'MESSAGE sip:a@b.com SIP/2.0\r\nFrom: <sip:x@y>;tag=1\r\nContent-Length: 13\r\n\r\nünïcode ☎');
  });
  it('CR/LF in values cannot inject headers', () => {
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:a@b.com', headers: [['Subject', 'x\r\nEvil: 1']] });
    assert.ok(!serializeMessage(req).toString().includes('\r\nEvil'));
  });
});

describe('identifiers', () => {
  it('RFC 3261 §8.1.1.7: branches start with z9hG4bK and are unique; tags and Call-IDs unique', () => {
    const branches = new Set(Array.from({ length: 1000 }, newBranch));
    assert.equal(branches.size, 1000);
    for (const b of branches) assert.match(b, /^z9hG4bK[A-Za-z0-9_-]+$/);
    assert.equal(new Set(Array.from({ length: 1000 }, newTag)).size, 1000);
    assert.equal(new Set(Array.from({ length: 1000 }, newCallId)).size, 1000);
  });
});
