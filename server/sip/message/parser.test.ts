import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from './parser.js';
import type { SipRequest } from './types.js';

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.com>',
  'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
];

function bytes(lines: string[], body = ''): Buffer {
  return Buffer.from(`${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}
function raw(text: string): Buffer {
  return Buffer.from(text);
}
function errorOf(b: Uint8Array, limits?: Parameters<typeof parseMessage>[1]) {
  const r = parseMessage(b, limits);
  assert.ok(!r.ok, 'expected a parse error');
  return r.error;
}

describe('parseMessage: start line (RFC 3261 §7.1, §7.2)', () => {
  it('RFC 3261 §7.1: a request with method, Request-URI, headers, body', () => {
    const r = parseMessage(bytes(INVITE, 'v=0\r\n'));
    assert.ok(r.ok && r.value.kind === 'request');
    assert.equal(r.value.method, 'INVITE');
    assert.equal(r.value.uri, 'sip:bob@biloxi.com');
    assert.equal(Buffer.from(r.value.body).toString(), 'v=0\r\n');
    assert.ok(Object.isFrozen(r.value) && Object.isFrozen(r.value.headers));
  });
  it('RFC 3261 §7.2: a response with status and reason', () => {
    const r = parseMessage(raw('SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP a.com;branch=z9hG4bKx\r\nTo: <sip:b@c.com>;tag=1\r\nFrom: <sip:a@c.com>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n'));
    assert.ok(r.ok && r.value.kind === 'response');
    assert.equal(r.value.status, 180);
    assert.equal(r.value.reason, 'Ringing');
  });
  it('RFC 3261 §7.5: leading CRLFs before the start line are ignored', () => {
    assert.ok(parseMessage(Buffer.concat([raw('\r\n\r\n'), bytes(INVITE)])).ok);
  });
  it('RFC 3261 §21.5.6: another SIP version → bad-version 505', () => {
    const e = errorOf(bytes([INVITE[0]?.replace('SIP/2.0', 'SIP/3.0') ?? '', ...INVITE.slice(1)]));
    assert.equal(e.code, 'bad-version');
    assert.equal(e.status, 505);
  });
  it('RFC 3261 §21.4.12: a Request-URI over the limit → 414', () => {
    const e = errorOf(bytes([`INVITE sip:${'a'.repeat(600)}@b.com SIP/2.0`, ...INVITE.slice(1)]));
    assert.equal(e.code, 'uri-too-long');
    assert.equal(e.status, 414);
  });
  it('a garbage start line → bad-start-line', () => {
    assert.equal(errorOf(raw('HELLO\r\n\r\n')).code, 'bad-start-line');
    assert.equal(errorOf(raw('')).code, 'bad-start-line');
  });
});

describe('parseMessage: headers (RFC 3261 §7.3)', () => {
  it('RFC 3261 §7.3.3: compact forms expand; §7.3.1: whitespace before the colon; folding', () => {
    const r = parseMessage(raw([
      'OPTIONS sip:a@b.com SIP/2.0', 'v : SIP/2.0/UDP h.com;branch=z9hG4bKa', 't: <sip:a@b.com>', 'f: <sip:c@d.com>;tag=1',
      'i: id1', 'CSEQ: 1 OPTIONS', 'x-custom: one', '  two', 'www-authenticate: Digest realm="r"', 'k: 100rel', 'l: 0', '', '',
    ].join('\r\n')));
    assert.ok(r.ok);
    assert.deepEqual(r.value.headers.map((h) => h.name), ['Via', 'To', 'From', 'Call-ID', 'CSeq', 'x-custom', 'WWW-Authenticate', 'Supported', 'Content-Length']);
    assert.equal(r.value.headers[5]?.value, 'one two');
  });
  it('RFC 3261 §8.1.1: missing To/From/CSeq/Call-ID/Via → missing-header 400 with partial headers', () => {
    const e = errorOf(bytes(INVITE.filter((l) => !l.startsWith('Call-ID'))));
    assert.equal(e.code, 'missing-header');
    assert.equal(e.status, 400);
    assert.equal(e.partial?.method, 'INVITE');
    assert.ok(e.partial?.headers.some((h) => h.name === 'Via'));
  });
  it('RFC 3261 §8.1.1.6 / RFC 4475 §3.4.1: a missing Max-Forwards is tolerated', () => {
    assert.ok(parseMessage(bytes(INVITE.filter((l) => !l.startsWith('Max-Forwards')))).ok);
  });
  it('RFC 3261 §8.1.1.5: CSeq method must match the request method', () => {
    assert.equal(errorOf(bytes(INVITE.map((l) => (l.startsWith('CSeq') ? 'CSeq: 1 BYE' : l)))).code, 'cseq-method-mismatch');
  });
  it('malformed Via, From, CSeq → bad-mandatory-header 400', () => {
    for (const [prefix, line] of [['Via', 'Via: nonsense'], ['From', 'From: "unterminated <sip:a@b.com>'], ['CSeq', 'CSeq: x INVITE']]) {
      const e = errorOf(bytes(INVITE.map((l) => (l.startsWith(prefix ?? '') ? line ?? '' : l))));
      assert.equal(e.code, 'bad-mandatory-header', line);
      assert.equal(e.status, 400);
    }
  });
  it('a header line without a colon → bad-header 400', () => {
    assert.equal(errorOf(bytes([...INVITE, 'NoColonHere'])).code, 'bad-header');
  });
  it('limits: header count and line length → 400', () => {
    const many = Array.from({ length: 20 }, (_, i) => `X-${i}: v`);
    assert.equal(errorOf(bytes([...INVITE, ...many]), { maxHeaders: 10 }).code, 'too-many-headers');
    assert.equal(errorOf(bytes([...INVITE, `X-Long: ${'a'.repeat(200)}`]), { maxLineBytes: 100 }).code, 'line-too-long');
  });
  it('RFC 3261 §21.5.7: a message over maxMessageBytes → too-large 513', () => {
    const e = errorOf(bytes(INVITE, 'x'.repeat(2000)), { maxMessageBytes: 1000 });
    assert.equal(e.code, 'too-large');
    assert.equal(e.status, 513);
    assert.ok(e.partial?.headers.some((h) => h.name === 'Call-ID'));
  });
});

describe('parseMessage: Content-Length and body (RFC 3261 §18.3, §20.14)', () => {
  it('Content-Length counts bytes, not characters', () => {
    const body = 'héllo ☎';
    const r = parseMessage(bytes(INVITE, body));
    assert.ok(r.ok);
    assert.equal(Buffer.from(r.value.body).toString('utf8'), body);
  });
  it('RFC 3261 §18.3: extra datagram bytes beyond Content-Length are ignored', () => {
    const r = parseMessage(Buffer.concat([bytes(INVITE, 'abc'), raw('garbage')]));
    assert.ok(r.ok);
    assert.equal(Buffer.from(r.value.body).toString(), 'abc');
  });
  it('RFC 4475 §3.1.2.2: fewer bytes than Content-Length → body-too-short 400', () => {
    const b = raw(`${INVITE.join('\r\n')}\r\nContent-Length: 10\r\n\r\nabc`);
    const e = errorOf(b);
    assert.equal(e.code, 'body-too-short');
    assert.equal(e.status, 400);
  });
  it('RFC 4475 §3.1.2.3 / §3.3.9: negative, non-numeric and conflicting values → 400', () => {
    for (const cl of [['-1'], ['five'], ['3', '4']]) {
      const lines = [...INVITE, ...cl.map((v) => `Content-Length: ${v}`)];
      const e = errorOf(raw(`${lines.join('\r\n')}\r\n\r\nabcd`));
      assert.equal(e.code, 'bad-content-length', cl.join());
    }
  });
  it('duplicate Content-Length with equal values is accepted', () => {
    const r = parseMessage(raw(`${INVITE.join('\r\n')}\r\nContent-Length: 2\r\nl: 2\r\n\r\nab`));
    assert.ok(r.ok);
    assert.equal((r.value as SipRequest).body.byteLength, 2);
  });
});
