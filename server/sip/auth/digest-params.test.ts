// RFC 3261 §25.1 quoted-string / quoted-pair and RFC 7616 §3.4 rules for the credentials parser.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDigestCredentials, quote } from './digest-params.js';

const params = (text: string) => {
  const r = parseDigestCredentials(text);
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value.params;
};

test('RFC 3261 §25.1: a quoted-pair stands for the character after the backslash', () => {
  // on the wire: username="a\"b\\c", realm="x"
  const p = params('Digest username="a\\"b\\\\c", realm="x"');
  assert.equal(p.get('username'), 'a"b\\c');
  assert.equal(p.get('realm'), 'x');
});

test('quoted values keep commas, equals signs and spaces; tokens end at a comma', () => {
  const p = params('Digest uri="sip:a@b;x=1, y", qop=auth,nc=00000001');
  assert.equal(p.get('uri'), 'sip:a@b;x=1, y');
  assert.equal(p.get('qop'), 'auth');
  assert.equal(p.get('nc'), '00000001');
});

test('an unterminated quoted value, or one ending in a lone backslash, is an error', () => {
  for (const text of ['Digest username="abc', 'Digest username="abc\\"', 'Digest username="abc\\']) {
    const r = parseDigestCredentials(text);
    assert.equal(r.ok, false, text);
  }
});

test('RFC 7616 §3.4: a parameter given twice is an error', () => {
  assert.equal(parseDigestCredentials('Digest realm="a", Realm="b"').ok, false);
});

test('RFC 3261 §25.1 quoted-string: quote() escapes DQUOTE and backslash as quoted-pairs, nothing else', () => {
  assert.equal(quote('abc123+/='), '"abc123+/="');
  assert.equal(quote(''), '""');
  assert.equal(quote('a"b\\c'), '"a\\"b\\\\c"');
  // what quote() writes reads back as the same value
  const p = params(`Digest realm=${quote('x"y\\z, w')}`);
  assert.equal(p.get('realm'), 'x"y\\z, w');
});
