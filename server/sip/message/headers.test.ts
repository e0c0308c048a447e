import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest } from './build.js';
import {
  getExpires, getHeader, getHeaderValues, getMaxForwards, getVias, parseAuthParams, parseContacts, parseCSeq,
  parseNameAddr, parseVia,
} from './headers.js';

const msg = (headers: [string, string][]) => createRequest({ method: 'REGISTER', uri: 'sip:example.com', headers });

describe('getHeader / getHeaderValues', () => {
  it('RFC 3261 §7.3.1/§7.3.3: names are case-insensitive and compact forms match', () => {
    const m = msg([['Call-ID', 'abc'], ['Contact', '<sip:a@x>, "B, b" <sip:b@y;p=1,2>'], ['m', 'sip:c@z']]);
    assert.equal(getHeader(m, 'i'), 'abc');
    assert.equal(getHeader(m, 'call-id'), 'abc');
    assert.deepEqual(getHeaderValues(m, 'CONTACT'), ['<sip:a@x>', '"B, b" <sip:b@y;p=1,2>', 'sip:c@z']);
  });
  it('RFC 3261 §7.3.1: Authorization-type headers are not split on commas', () => {
    const m = msg([['Authorization', 'Digest username="a", realm="b"']]);
    assert.deepEqual(getHeaderValues(m, 'Authorization'), ['Digest username="a", realm="b"']);
  });
});

describe('parseVia (RFC 3261 §20.42)', () => {
  it('parses transport, sent-by, branch, received and rport', () => {
    const v = parseVia('SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5070');
    assert.ok(v.ok);
    assert.equal(v.value.transport, 'UDP');
    assert.equal(v.value.host, 'pc33.atlanta.com');
    assert.equal(v.value.port, 5066);
    assert.equal(v.value.branch, 'z9hG4bK776asdhds');
    assert.equal(v.value.received, '192.0.2.1');
    assert.equal(v.value.rport, 5070);
  });
  it('RFC 3581 §3: an empty rport is null', () => {
    const v = parseVia('SIP/2.0/TCP [2001:db8::1]:5060;rport;branch=z9hG4bKx');
    assert.ok(v.ok);
    assert.equal(v.value.rport, null);
    assert.equal(v.value.host, '[2001:db8::1]');
  });
  it('rejects bad protocol, host, port and empty params', () => {
    for (const bad of ['SIP/3.0/UDP a.com', 'SIP/2.0/UDP', 'SIP/2.0/UDP a..b', 'SIP/2.0/UDP a.com:70000', 'SIP/2.0/UDP a.com;;', 'SIP/2.0/UDP a.com;rport=x']) {
      assert.equal(parseVia(bad).ok, false, bad);
    }
  });
  it('RFC 4475 §3.1.2.1: empty Via elements make getVias fail', () => {
    assert.equal(getVias(msg([['Via', 'SIP/2.0/UDP 192.0.2.15;;,;,,']])).ok, false);
  });
});

describe('parseNameAddr (RFC 3261 §20.10)', () => {
  it('name-addr with quoted display name and header params', () => {
    const n = parseNameAddr('"A \\"q\\"" <sip:a@b.com;lr>;tag=x;expires=60');
    assert.ok(n.ok);
    assert.equal(n.value.displayName, 'A "q"');
    assert.equal(n.value.uri, 'sip:a@b.com;lr');
    assert.equal(n.value.params.get('tag'), 'x');
    assert.equal(n.value.params.get('expires'), '60');
  });
  it('RFC 3261 §20.10: in addr-spec form the params after the URI are header params', () => {
    const n = parseNameAddr('sip:a@b.com;tag=1');
    assert.ok(n.ok);
    assert.equal(n.value.uri, 'sip:a@b.com');
    assert.equal(n.value.params.get('tag'), '1');
  });
  it('token display names and quoted +sip.instance values', () => {
    const n = parseNameAddr('Bob Smith <sip:b@c.com>;+sip.instance="<urn:uuid:1>"');
    assert.ok(n.ok);
    assert.equal(n.value.displayName, 'Bob Smith');
    assert.equal(n.value.params.get('+sip.instance'), '"<urn:uuid:1>"');
  });
  it('rejects unterminated quotes, missing ">", "?" in addr-spec and non-token display names', () => {
    for (const bad of ['"x <sip:a@b.com>', '<sip:a@b.com', 'sip:a@b.com?x=y', 'A, B <sip:a@b.com>', '', '< sip:a@b.com >']) {
      assert.equal(parseNameAddr(bad).ok, false, bad);
    }
  });
});

describe('parseCSeq (RFC 3261 §20.16, §8.1.1.5)', () => {
  it('number and method; 32-bit bound', () => {
    const c = parseCSeq('4711 INVITE');
    assert.ok(c.ok);
    assert.deepEqual({ ...c.value }, { seq: 4711, method: 'INVITE' });
    assert.ok(parseCSeq('4294967295 ACK').ok);
    assert.equal(parseCSeq('4294967296 ACK').ok, false);
    assert.equal(parseCSeq('-1 ACK').ok, false);
    assert.equal(parseCSeq('INVITE').ok, false);
  });
});

describe('parseContacts, getExpires, getMaxForwards', () => {
  it('RFC 3261 §10.2.2: "*" alone; mixed with others is an error', () => {
    const star = parseContacts(msg([['Contact', '*']]));
    assert.ok(star.ok);
    assert.equal(star.value, '*');
    assert.equal(parseContacts(msg([['Contact', '*, <sip:a@b.com>']])).ok, false);
  });
  it('several Contact lines and comma lists', () => {
    const c = parseContacts(msg([['Contact', '<sip:a@b.com>;expires=10, <sip:c@d.com>'], ['m', 'sip:e@f.com']]));
    assert.ok(c.ok && c.value !== '*');
    assert.deepEqual(c.value.map((x) => x.uri), ['sip:a@b.com', 'sip:c@d.com', 'sip:e@f.com']);
  });
  it('RFC 3261 §20.19/§20.22 ranges: overlarge values read as absent (RFC 4475 §3.1.2.4)', () => {
    assert.equal(getExpires(msg([['Expires', '3600']])), 3600);
    assert.equal(getExpires(msg([['Expires', '99999999999']])), undefined);
    assert.equal(getMaxForwards(msg([['Max-Forwards', '0068']])), 68);
    assert.equal(getMaxForwards(msg([['Max-Forwards', '300']])), undefined);
    assert.equal(getMaxForwards(msg([])), undefined);
  });
});

describe('parseAuthParams (RFC 3261 §25.1 credentials, RFC 7616 §3.4)', () => {
  it('Digest with quoted strings, escapes, tokens and commas inside quotes', () => {
    const a = parseAuthParams('Digest username="bob", realm="a,b \\"c\\"", nonce="n", uri="sip:x.com", nc=00000001, qop=auth, algorithm=SHA-256');
    assert.ok(a.ok);
    assert.equal(a.value.scheme, 'Digest');
    assert.equal(a.value.params.get('username'), 'bob');
    assert.equal(a.value.params.get('realm'), 'a,b "c"');
    assert.equal(a.value.params.get('nc'), '00000001');
    assert.equal(a.value.params.get('algorithm'), 'SHA-256');
  });
  it('RFC 4475 §3.3.7: an unknown scheme still parses', () => {
    const a = parseAuthParams('NoOneKnowsThisScheme opaque-data=here');
    assert.ok(a.ok);
    assert.equal(a.value.params.get('opaque-data'), 'here');
  });
  it('rejects unterminated quotes and duplicates', () => {
    assert.equal(parseAuthParams('Digest realm="x').ok, false);
    assert.equal(parseAuthParams('Digest realm=a, realm=b').ok, false);
    assert.equal(parseAuthParams('').ok, false);
  });
});
