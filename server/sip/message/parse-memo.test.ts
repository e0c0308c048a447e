// ParseMemo: the bounded memo in front of the URI, name-addr and Via parsers. It must be invisible:
// a hit is the same frozen result a fresh parse would give, long values are never kept, and the memo
// never holds more than maxEntries (first in, first out).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ParseMemo } from './parse-memo.js';
import { parseUri } from './uri.js';
import { parseNameAddr } from './name-addr.js';
import { parseVia } from './via.js';

/** A memo whose parse counts its calls and returns a fresh frozen object each time. */
function counting(maxEntries: number) {
  const calls: string[] = [];
  const memo = new ParseMemo({
    maxEntries,
    parse: (text: string) => {
      calls.push(text);
      return Object.freeze({ text, length: text.length });
    },
  });
  return { memo, calls };
}

describe('ParseMemo', () => {
  it('a hit returns the identical frozen result without parsing again', () => {
    const { memo, calls } = counting(8);
    const first = memo.get('sip:alice@example.com');
    const second = memo.get('sip:alice@example.com');
    assert.equal(second, first);
    assert.ok(Object.isFrozen(second));
    assert.deepEqual(calls, ['sip:alice@example.com']);
  });

  it('values up to 256 characters are cached; longer ones are parsed every time', () => {
    const { memo, calls } = counting(8);
    const at = 'a'.repeat(256);
    const over = 'a'.repeat(257);
    memo.get(at);
    memo.get(at);
    const r1 = memo.get(over);
    const r2 = memo.get(over);
    assert.deepEqual(calls, [at, over, over]);
    assert.deepEqual(r2, r1, 'an uncached result is still the same value');
    // a long value does not take a slot: the short one is still a hit
    memo.get(at);
    assert.equal(calls.length, 3);
  });

  it('holds at most maxEntries values, evicting the first stored (FIFO, hits do not refresh)', () => {
    const { memo, calls } = counting(3);
    for (const k of ['a', 'b', 'c']) memo.get(k);
    memo.get('a'); // hit; FIFO keeps 'a' the oldest
    memo.get('d'); // evicts 'a'
    assert.deepEqual(calls, ['a', 'b', 'c', 'd']);
    memo.get('b');
    memo.get('c');
    memo.get('d');
    assert.equal(calls.length, 4, 'b, c and d are still cached');
    memo.get('a');
    assert.deepEqual(calls.slice(4), ['a'], "'a' was evicted and is parsed again");
  });

  it('capacity stays bounded under many distinct values', () => {
    const { memo, calls } = counting(16);
    for (let i = 0; i < 1000; i++) memo.get(`v${i}`);
    calls.length = 0;
    for (let i = 984; i < 1000; i++) memo.get(`v${i}`);
    assert.deepEqual(calls, [], 'the last 16 stored are all held');
    memo.get('v983');
    assert.deepEqual(calls, ['v983'], 'the 17th-last was evicted');
  });

  it('is transparent: get(x) equals parse(x) for any string (property)', () => {
    const parse = (t: string) => ({ upper: t.toUpperCase(), n: t.length, words: t.split(/\s+/) });
    const memo = new ParseMemo({ maxEntries: 4, parse });
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { minLength: 1, maxLength: 12 }), (xs) => {
        for (const x of [...xs, ...xs.slice().reverse()]) assert.deepEqual(memo.get(x), parse(x));
      }),
      { numRuns: 300 },
    );
  });
});

// parseUri keeps a module-level memo of 1024 entries. Parsing more than that many other
// values evicts everything, so the next parse of a value is a fresh, unmemoised one.
const FLUSH = 1100;
function flush(): void {
  for (let i = 0; i < FLUSH; i++) {
    parseUri(`sip:flush${i}@flush.invalid`);
  }
}

const token = fc.stringMatching(/^[A-Za-z0-9.!%*_+`'~-]{1,10}$/);
const host = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,8}(\.[a-z]{2,5}){1,2}$/),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const port = fc.option(fc.integer({ min: 0, max: 70000 }).map((p) => `:${p}`), { nil: '' });
const params = fc
  .array(fc.tuple(token, fc.option(token, { nil: undefined })), { maxLength: 3 })
  .map((ps) => ps.map(([k, v]) => (v === undefined ? `;${k}` : `;${k}=${v}`)).join(''));
const sipUri = fc
  .tuple(fc.constantFrom('sip', 'sips', 'SIP', 'tel', 'urn'), fc.option(token, { nil: undefined }), host, port, params)
  .map(([s, u, h, p, ps]) => `${s}:${u === undefined ? '' : `${u}@`}${h}${p}${ps}`);
const nameAddr = fc
  .tuple(fc.option(fc.string({ maxLength: 12 }), { nil: undefined }), sipUri, params)
  .map(([d, u, ps]) => (d === undefined ? `<${u}>${ps}` : `"${d}" <${u}>${ps}`));
const via = fc
  .tuple(fc.constantFrom('UDP', 'TCP', 'tls', 'WS', 'WSS'), host, port, params, fc.option(token, { nil: undefined }))
  .map(([t, h, p, ps, b]) => `SIP/2.0/${t} ${h}${p}${ps}${b === undefined ? '' : `;branch=z9hG4bK${b};rport`}`);
/** mostly well-formed values, some arbitrary text so failures are memoised too */
const anyOf = (good: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) });

describe('memoised parsers (parseUri)', () => {
  const cases = [
    ['parseUri', parseUri, anyOf(sipUri)],
  ] as const;
  for (const [name, parse, arb] of cases) {
    it(`${name}: a memoised result equals the unmemoised parse of the same text (property)`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(arb, { minLength: 1, maxLength: 40 }), (texts) => {
          flush();
          const fresh = texts.map((t) => (parse as (s: string) => unknown)(t)); // misses: parsed now
          const hits = texts.map((t) => (parse as (s: string) => unknown)(t));
          texts.forEach((t, i) => {
            assert.equal(hits[i], fresh[i], `second parse of ${JSON.stringify(t)} is a memo hit`);
          });
          flush();
          const again = texts.map((t) => (parse as (s: string) => unknown)(t)); // misses again
          texts.forEach((t, i) => {
            assert.notEqual(again[i], fresh[i], 'evicted: parsed afresh');
            assert.deepEqual(again[i], fresh[i], `memo hit differs from a fresh parse of ${JSON.stringify(t)}`);
          });
        }),
        { numRuns: 15 },
      );
    });
  }

  // parseNameAddr and parseVia have no memo (From tags and branches are unique per request):
  // each parse is fresh and equal.
  for (const [name, parse, arb] of [
    ['parseNameAddr', parseNameAddr, anyOf(nameAddr)],
    ['parseVia', parseVia, anyOf(via)],
  ] as const) {
    it(`${name}: parsing the same text twice gives equal results (property)`, () => {
      fc.assert(
        fc.property(arb, (t) => {
          assert.deepEqual((parse as (s: string) => unknown)(t), (parse as (s: string) => unknown)(t));
        }),
        { numRuns: 200 },
      );
    });
  }

  it('successful results handed out from the memo are frozen', () => {
    const uri = parseUri('sip:alice@example.com;transport=tcp');
    const na = parseNameAddr('"Alice" <sip:alice@example.com>;tag=abc');
    const v = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc;rport');
    for (const r of [uri, na, v, parseUri('sip:alice@example.com;transport=tcp')]) {
      assert.ok(r.ok);
      assert.ok(Object.isFrozen(r.value));
    }
  });
});
