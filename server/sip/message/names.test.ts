// RFC 3261 §25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTokenCode } from './names.js';

test('RFC 3261 §25.1: every token character is one, by char code', () => {
  const tokenChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~";
  for (const c of tokenChars) assert.equal(isTokenCode(c.charCodeAt(0)), true, c);
});

test('RFC 3261 §25.1: separators, whitespace, controls and non-ASCII are not token characters', () => {
  // separators = "(" / ")" / "<" / ">" / "@" / "," / ";" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "=" / "{" / "}" / SP / HTAB
  for (const c of '()<>@,;:\\"/[]?={} \t\r\n\u0000\u007f#$&^|é€') assert.equal(isTokenCode(c.charCodeAt(0)), false, JSON.stringify(c));
  assert.equal(isTokenCode(Number.NaN), false, 'charCodeAt past the end');
  assert.equal(isTokenCode(0xd83d), false, 'a surrogate half');
});
