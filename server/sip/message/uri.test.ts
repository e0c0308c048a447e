import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aorOf, formatUri, parseUri, uriEquals } from './uri.js';
import type { SipUri, TelUri, Uri } from './types.js';

function parsed(text: string): Uri {
  const r = parseUri(text);
  assert.ok(r.ok, `${text}: ${r.ok ? '' : r.error}`);
  return r.value;
}
const sip = (t: string): SipUri => parsed(t) as SipUri;

describe('parseUri (RFC 3261 §19.1, §25.1)', () => {
  it('RFC 3261 §19.1.1: user, password, host, port, params and headers', () => {
    const u = sip('sip:alice:secret@atlanta.com:5061;transport=TCP;lr?subject=project%20x&priority=urgent');
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, 'alice');
    assert.equal(u.password, 'secret');
    assert.equal(u.host, 'atlanta.com');
    assert.equal(u.port, 5061);
    assert.equal(u.params.get('transport'), 'TCP');
    assert.equal(u.params.get('lr'), null);
    assert.equal(u.headers.get('subject'), 'project x');
    assert.equal(u.headers.get('priority'), 'urgent');
  });
  it('RFC 3261 §19.1.4: parameter names are case-insensitive (stored lower-cased)', () => {
    assert.equal(sip('sip:a@b.com;Transport=udp').params.get('transport'), 'udp');
  });
  it('RFC 3261 §19.1.2: %-escapes in the user part are unescaped', () => {
    assert.equal(sip('sip:%61lice@atlanta.com').user, 'alice');
  });
  it('sips scheme and IPv4 host', () => {
    const u = sip('SIPS:bob@192.0.2.4');
    assert.equal(u.scheme, 'sips');
    assert.equal(u.host, '192.0.2.4');
  });
  it('RFC 5118 §4.1/§4.4: IPv6 references keep brackets; port after "]"', () => {
    const u = sip('sip:[2001:db8::10]:5070');
    assert.equal(u.host, '[2001:db8::10]');
    assert.equal(u.port, 5070);
  });
  it('RFC 5118 §4.2: an unbracketed IPv6 address is not a valid host', () => {
    assert.equal(parseUri('sip:2001:db8::10').ok, false);
  });
  it('RFC 5118 §4.10: three colons are not a valid IPv6 address', () => {
    assert.equal(parseUri('sip:user@[2001:db8:::192.0.2.1]').ok, false);
    assert.equal(sip('sip:user@[2001:db8::192.0.2.1]').host, '[2001:db8::192.0.2.1]');
  });
  it('rejects invalid ports, hosts, whitespace and missing schemes', () => {
    for (const bad of ['sip:a@b.com:99999', 'sip:a@b..com', 'sip:a @b.com', 'sip:', 'nocolon', '<sip:a@b.com>', 'sip:a@[::1']) {
      assert.equal(parseUri(bad).ok, false, bad);
    }
  });
  it('RFC 3966 §3, §5.1.1: tel URIs with visual separators removed and params', () => {
    const t = parsed('tel:+1-201-555-0123;phone-context=example.com') as TelUri;
    assert.equal(t.scheme, 'tel');
    assert.equal(t.number, '+12015550123');
    assert.equal(t.params.get('phone-context'), 'example.com');
    assert.equal(parseUri('tel:+12x').ok, false);
  });
  it('RFC 3261 §25.1 absoluteURI: other schemes are OtherUri (416 material)', () => {
    assert.deepEqual({ ...parsed('nobodyKnowsThisScheme:totallyopaquecontent') }, {
      scheme: 'nobodyknowsthisscheme',
      text: 'nobodyKnowsThisScheme:totallyopaquecontent',
    });
  });
});

describe('formatUri', () => {
  it('round-trips a SIP URI with escapes, params and headers', () => {
    for (const t of ['sip:alice@atlanta.com:5060;transport=tcp;lr', 'sips:[2001:db8::1]:5061', 'sip:I%20have%20spaces@example.net',
      'sip:a@b.com?route=%3Csip:x.com%3E', 'tel:+12015550123;ext=12']) {
      const u = parsed(t) as SipUri | TelUri;
      const again = parseUri(formatUri(u));
      assert.ok(again.ok);
      assert.ok(uriEquals(u, again.value), `${t} → ${formatUri(u)}`);
    }
  });
});

describe('uriEquals (RFC 3261 §19.1.4)', () => {
  const eq = (a: string, b: string): boolean => uriEquals(parsed(a), parsed(b));
  it('RFC 3261 §19.1.4 equivalent examples', () => {
    assert.ok(eq('sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'));
    assert.ok(eq('sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'));
    assert.ok(eq('sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;newparam=5'));
    assert.ok(eq('sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com', 'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com'));
    assert.ok(eq('sip:alice@atlanta.com?subject=project%20x&priority=urgent', 'sip:alice@atlanta.com?priority=urgent&subject=project%20x'));
  });
  it('RFC 3261 §19.1.4 non-equivalent examples', () => {
    assert.ok(!eq('SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp'));
    assert.ok(!eq('sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp'));
    assert.ok(!eq('sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting'));
    assert.ok(!eq('sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4'));
    assert.ok(!eq('sip:a@b.com', 'sips:a@b.com'));
  });
});

describe('aorOf', () => {
  it('gives sip:user@host with the host lower-cased and no port or params', () => {
    assert.equal(aorOf(sip('sip:Alice@Example.COM:5070;transport=tcp')), 'sip:Alice@example.com');
    assert.equal(aorOf(sip('sips:[2001:DB8::1]')), 'sips:[2001:db8::1]');
  });
});
