// RFC 4475 / RFC 5118 torture messages at the parser level. Expected values come from the RFC
// text (see test/sip-torture-expectations.ts), never from our own parser's output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TORTURE_EXPECTATIONS, expectedStatuses } from '../../../test/sip-torture-expectations.js';
import type { SipMessage, SipRequest, SipResponse, SipUri } from './types.js';
import { parseMessage } from './parser.js';
import { getHeader, getHeaderValues, getMaxForwards, getVias, parseCSeq, parseContacts, parseNameAddr } from './headers.js';
import { parseUri } from './uri.js';

const CORPUS = new URL('../../../test/fixtures/sip-torture/', import.meta.url).pathname;

function load(file: string): Buffer {
  return readFileSync(join(CORPUS, file));
}

function ok(file: string): SipMessage {
  const r = parseMessage(load(file));
  assert.ok(r.ok, `${file}: ${r.ok ? '' : `${r.error.code} ${r.error.detail}`}`);
  return r.value;
}

function req(file: string): SipRequest {
  const m = ok(file);
  assert.equal(m.kind, 'request');
  return m as SipRequest;
}

function sipUri(text: string): SipUri {
  const u = parseUri(text);
  assert.ok(u.ok && (u.value.scheme === 'sip' || u.value.scheme === 'sips'), text);
  return u.value as SipUri;
}

function addr(msg: SipMessage, name: string): ReturnType<typeof parseNameAddr> & { ok: true } {
  const na = parseNameAddr(getHeader(msg, name) ?? '');
  assert.ok(na.ok, `${name}: ${na.ok ? '' : na.error}`);
  return na;
}

// Messages RFC 4475/5118 call malformed in a way that a UAS must answer with exactly this status.
const MUST_FAIL = ['badinv01', 'clerr', 'ncl', 'scalar02', 'quotbal', 'ltgtruri', 'lwsruri', 'badaspec', 'baddn',
  'badvers', 'mismatch01', 'mismatch02', 'insuf', 'multi01', 'mcl01', 'ipv6-bad', 'scalarlg', 'bigcode'];

describe('torture corpus coverage', () => {
  it('every corpus file has an RFC-derived expectation, and every expectation a file', () => {
    const files = ['rfc4475', 'rfc5118'].flatMap((d) => readdirSync(join(CORPUS, d)).map((f) => `${d}/${f}`));
    assert.deepEqual([...files].sort(), TORTURE_EXPECTATIONS.map((e) => e.file).sort());
  });

  for (const e of TORTURE_EXPECTATIONS) {
    it(`RFC ${e.rfcSection} ${e.file}: ${e.valid ? 'accepted by the parser' : 'handled as the RFC says'}`, () => {
      const r = parseMessage(load(e.file));
      const name = e.file.replace(/^.*\//, '').replace(/\.dat$/, '');
      if (e.valid) {
        assert.ok(r.ok, `${e.file}: ${r.ok ? '' : r.error.detail}`);
        return;
      }
      if (MUST_FAIL.includes(name)) assert.equal(r.ok, false, `${e.file} should be rejected at parse level`);
      if (!r.ok) {
        if (e.expectStatus === undefined) assert.equal(r.error.status, undefined, 'responses are never answered');
        else assert.ok(expectedStatuses(e).includes(r.error.status ?? -1), `${e.file}: got ${r.error.status}`);
        assert.ok(r.error.partial !== undefined || r.error.code === 'too-large');
      } else if (name === 'regbadct') {
        // Contact is not a mandatory header: the registrar's parseContacts is what rejects it
        assert.equal(parseContacts(r.value).ok, false);
      } else {
        // the RFC lets a liberal element accept it: the expectations must then allow more than a 400
        assert.ok(expectedStatuses(e).some((s) => s !== 400 && s !== 505), `${e.file} parsed but RFC wants a rejection`);
      }
    });
  }
});

describe('RFC 4475 §3.1.1 field values', () => {
  it('§3.1.1.1 wsinv: folding, LWS and leading zeros resolve to the values the RFC describes', () => {
    const m = req('rfc4475/wsinv.dat');
    assert.equal(m.method, 'INVITE');
    assert.equal(getHeader(m, 'Call-ID'), 'wsinv.ndaksdj@192.0.2.1');
    assert.equal(getMaxForwards(m), 68);
    const cseq = parseCSeq(getHeader(m, 'CSeq') ?? '');
    assert.ok(cseq.ok);
    assert.deepEqual({ ...cseq.value }, { seq: 9, method: 'INVITE' });
    const vias = getVias(m);
    assert.ok(vias.ok);
    assert.deepEqual(vias.value.map((v) => [v.transport, v.host, v.branch]), [
      ['UDP', '192.0.2.2', '390skdjuw'],
      ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
    assert.equal(addr(m, 'To').value.params.get('tag'), '1918181833n');
    const from = addr(m, 'From').value;
    assert.equal(from.displayName, 'J Rosenberg \\"');
    assert.equal(from.params.get('tag'), '98asjd8');
    assert.equal(getHeader(m, 'Subject'), '');
    assert.equal(getHeader(m, 'NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(getHeader(m, 'UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    const contacts = parseContacts(m);
    assert.ok(contacts.ok && contacts.value !== '*');
    const [c] = contacts.value;
    assert.equal(c?.displayName, 'Quoted string ""');
    assert.equal(c?.params.get('newparam'), 'newvalue');
    assert.equal(c?.params.get('secondparam'), null);
    assert.equal(c?.params.get('q'), '0.33');
    assert.equal(m.body.byteLength, 150);
    assert.ok(sipUri(m.uri).params.has('unknownparam'));
  });

  it('§3.1.1.2 intmeth: token characters in method, branch, tags; quoted-pairs in display name', () => {
    const m = req('rfc4475/intmeth.dat');
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    const u = sipUri(m.uri);
    assert.equal(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(u.host, 'example.com');
    const vias = getVias(m);
    assert.ok(vias.ok);
    assert.equal(vias.value[0]?.branch, "z9hG4bK-.!%66*_+`'~");
    assert.equal(addr(m, 'To').value.displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    assert.equal(addr(m, 'From').value.params.get('tag'), "_token~1'+`*%!-.");
    assert.equal(getHeader(m, 'Call-ID'), 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
  });

  it('§3.1.1.3 esc01: %-escapes unescaped once in user parts and uri-parameters', () => {
    const m = req('rfc4475/esc01.dat');
    assert.equal(sipUri(m.uri).user, 'sips:user@example.com');
    assert.equal(sipUri(addr(m, 'To').value.uri).user, 'user');
    assert.equal(sipUri(addr(m, 'From').value.uri).user, 'I have spaces');
    const contacts = parseContacts(m);
    assert.ok(contacts.ok && contacts.value !== '*');
    const c = sipUri(contacts.value[0]?.uri ?? '');
    assert.equal(c.user, 'caller');
    assert.equal(c.params.get('lr'), null);
    assert.equal(c.params.get('name'), 'value%41');
  });

  it('§3.1.1.4 escnull: %00 in a user part is a NUL character', () => {
    const m = req('rfc4475/escnull.dat');
    assert.equal(sipUri(addr(m, 'To').value.uri).user, 'null-\0-null');
    const contacts = parseContacts(m);
    assert.ok(contacts.ok && contacts.value !== '*');
    assert.deepEqual(contacts.value.map((c) => sipUri(c.uri).user), ['\0', '\0\0']);
  });

  it('§3.1.1.5 esc02: % is no escape in a method or a header name', () => {
    const m = req('rfc4475/esc02.dat');
    assert.equal(m.method, 'RE%47IST%45R');
    assert.equal(getHeaderValues(m, 'Contact').length, 2);
    assert.equal(getHeader(m, 'C%6Fntact'), '<sip:alias2@host2.example.com>');
    assert.equal(addr(m, 'To').value.displayName, '%Z%45');
  });

  it('§3.1.1.6 lwsdisp: a display-name token directly followed by "<"', () => {
    assert.equal(addr(req('rfc4475/lwsdisp.dat'), 'From').value.displayName, 'caller');
  });

  it('§3.1.1.7 longreq: 34 Via values across long and compact names in any case', () => {
    const m = req('rfc4475/longreq.dat');
    const vias = getVias(m);
    assert.ok(vias.ok);
    assert.equal(vias.value.length, 34);
    assert.equal(vias.value[0]?.host, 'sip33.example.com');
    assert.equal(vias.value[33]?.received, '192.0.2.5');
    assert.equal(m.body.byteLength, 150);
  });

  it('§3.1.1.8 dblreq: octets after Content-Length in a datagram are ignored (RFC 3261 §18.3)', () => {
    const m = req('rfc4475/dblreq.dat');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body.byteLength, 0);
  });

  it('§3.1.1.9 semiuri: the user part is "user;par=u@example.net"', () => {
    const u = sipUri(req('rfc4475/semiuri.dat').uri);
    assert.equal(u.user, 'user;par=u@example.net');
    assert.equal(u.host, 'example.com');
    assert.equal(u.params.size, 0);
  });

  it('§3.1.1.10 transports: every transport token is kept', () => {
    const vias = getVias(req('rfc4475/transports.dat'));
    assert.ok(vias.ok);
    assert.deepEqual(vias.value.map((v) => v.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });

  it('§3.1.1.11 mpart01: a binary body with NULs is framed by Content-Length (553)', () => {
    const m = req('rfc4475/mpart01.dat');
    assert.equal(m.body.byteLength, 553);
    assert.ok(m.body.includes(0));
  });

  it('§3.1.1.12 unreason / §3.1.1.13 noreason: UTF-8 and empty reason phrases', () => {
    const u = ok('rfc4475/unreason.dat') as SipResponse;
    assert.equal(u.status, 200);
    assert.ok(u.reason.startsWith('= 2**3 * 5**2 '));
    const n = ok('rfc4475/noreason.dat') as SipResponse;
    assert.equal(n.status, 100);
    assert.equal(n.reason, '');
  });
});

describe('RFC 4475 §3.1.2–3.4 details', () => {
  it('§3.1.2.16 badvers: 505 with the headers needed to answer', () => {
    const r = parseMessage(load('rfc4475/badvers.dat'));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'bad-version');
    assert.equal(r.error.status, 505);
    assert.equal(r.error.partial?.method, 'OPTIONS');
    assert.ok(r.error.partial?.headers.some((h) => h.name === 'Call-ID' && h.value === 'badvers.31417@c.example.com'));
  });

  it('§3.1.2.17 mismatch01: cseq-method-mismatch → 400', () => {
    const r = parseMessage(load('rfc4475/mismatch01.dat'));
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'cseq-method-mismatch');
  });

  it('§3.1.2.2 clerr / §3.1.2.3 ncl / §3.3.9 mcl01: Content-Length errors on a datagram', () => {
    const codes = ['clerr', 'ncl', 'mcl01'].map((f) => {
      const r = parseMessage(load(`rfc4475/${f}.dat`));
      return r.ok ? 'ok' : r.error.code;
    });
    assert.deepEqual(codes, ['body-too-short', 'bad-content-length', 'bad-content-length']);
  });

  it('§3.1.2.13 regbadct: the Contact addr-spec with "?" is rejected by parseContacts', () => {
    assert.equal(parseContacts(req('rfc4475/regbadct.dat')).ok, false);
  });

  it('§3.3.4 unksm2: To carries a non-SIP URI (the registrar must answer 400)', () => {
    const u = parseUri(addr(req('rfc4475/unksm2.dat'), 'To').value.uri);
    assert.ok(u.ok);
    assert.equal(u.value.scheme, 'isbn');
  });

  it('§3.3.12 cparam01 / §3.3.13 cparam02: contact-param vs url-param', () => {
    const c1 = parseContacts(req('rfc4475/cparam01.dat'));
    assert.ok(c1.ok && c1.value !== '*');
    assert.equal(c1.value[0]?.uri, 'sip:+19725552222@gw1.example.net');
    assert.ok(c1.value[0]?.params.has('unknownparam'));
    const c2 = parseContacts(req('rfc4475/cparam02.dat'));
    assert.ok(c2.ok && c2.value !== '*');
    assert.ok(sipUri(c2.value[0]?.uri ?? '').params.has('unknownparam'));
    assert.equal(c2.value[0]?.params.size, 0);
  });

  it('§3.3.14 regescrt: the escaped Route header stays in the Contact URI', () => {
    const c = parseContacts(req('rfc4475/regescrt.dat'));
    assert.ok(c.ok && c.value !== '*');
    assert.equal(sipUri(c.value[0]?.uri ?? '').headers.get('Route'), '<sip:sip.example.com>');
  });

  it('§3.4.1 inv2543: no Content-Length on a datagram → the body is the rest of it', () => {
    const m = req('rfc4475/inv2543.dat');
    const raw = load('rfc4475/inv2543.dat');
    const bodyStart = raw.indexOf('\r\n\r\n') + 4;
    assert.equal(m.body.byteLength, raw.length - bodyStart);
    assert.equal(getMaxForwards(m), undefined);
  });
});

describe('RFC 5118 §4 IPv6 field values', () => {
  it('§4.3/§4.4: [2001:db8::10:5070] has no port; [2001:db8::10]:5070 has port 5070', () => {
    const amb = sipUri(req('rfc5118/port-ambiguous').uri);
    assert.equal(amb.host, '[2001:db8::10:5070]');
    assert.equal(amb.port, undefined);
    const unamb = sipUri(req('rfc5118/port-unambiguous').uri);
    assert.equal(unamb.host, '[2001:db8::10]');
    assert.equal(unamb.port, 5070);
  });

  it('§4.5: received with and without brackets', () => {
    const a = getVias(req('rfc5118/via-received-param-with-delim'));
    const b = getVias(req('rfc5118/via-received-param-no-delim'));
    assert.ok(a.ok && b.ok);
    assert.equal(a.value[0]?.received, '[2001:db8::9:255]');
    assert.equal(b.value[0]?.received, '2001:db8::9:255');
    assert.equal(b.value[0]?.host, '[2001:db8::9:1]');
  });

  it('§4.9: IPv4-mapped IPv6 Via host with port', () => {
    const v = getVias(req('rfc5118/ipv4-mapped-ipv6'));
    assert.ok(v.ok);
    assert.equal(v.value[0]?.host, '[::ffff:192.0.2.10]');
    assert.equal(v.value[0]?.port, 19823);
  });

  it('§4.7: mixed IPv6/IPv4 Via values keep their order and received', () => {
    const v = getVias(req('rfc5118/mult-ip-in-header'));
    assert.ok(v.ok);
    assert.deepEqual(v.value.map((x) => [x.host, x.port, x.transport]), [
      ['[2001:db8::9:1]', 6050, 'UDP'],
      ['192.0.2.1', undefined, 'UDP'],
      ['[2001:db8::9:255]', undefined, 'TCP'],
    ]);
    assert.equal(v.value[2]?.received, '192.0.2.200');
  });
});
