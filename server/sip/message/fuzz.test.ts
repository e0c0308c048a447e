// Property tests (CONVENTIONS.md §17): no parser throws on any input; serialize → parse keeps
// what was written; Content-Length is byte-correct for multi-byte UTF-8 bodies.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseMessage } from './parser.js';
import { serializeMessage } from './serializer.js';
import { createRequest } from './build.js';
import { parseUri } from './uri.js';
import { parseAuthParams, parseNameAddr, parseVia } from './headers.js';
import { StreamFramer } from './framer.js';

const RUNS = 2000;
const CORPUS = new URL('../../../test/fixtures/sip-torture/', import.meta.url).pathname;
const SEEDS = ['rfc4475', 'rfc5118'].flatMap((d) => readdirSync(join(CORPUS, d)).map((f) => readFileSync(join(CORPUS, d, f))));

const noThrow = (f: () => unknown): boolean => {
  f();
  return true;
};

/** A valid message from the corpus with random byte edits: flips, deletions, insertions. */
const mutated = fc
  .tuple(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })), { maxLength: 8 }))
  .map(([i, edits]) => {
    const bytes = [...(SEEDS[i] ?? Buffer.alloc(0))];
    for (const [pos, value, kind] of edits) {
      const p = bytes.length === 0 ? 0 : pos % bytes.length;
      if (kind === 0) bytes[p] = value;
      else if (kind === 1) bytes.splice(p, 1);
      else bytes.splice(p, 0, value);
    }
    return Uint8Array.from(bytes);
  });

const sipish = fc.string({ unit: fc.constantFrom(...'sip:@;=?&<>"\\ ,[]:.%0aZ\r\n\tSIP/2.0;branch=z9hG4bK'.split('')), maxLength: 80 });

describe('parsers never throw (CONVENTIONS.md §17)', () => {
  it('parseMessage on arbitrary bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => noThrow(() => parseMessage(b))), { numRuns: RUNS });
  });
  it('parseMessage on mutated RFC 4475/5118 messages, with small limits too', () => {
    fc.assert(fc.property(mutated, (b) => noThrow(() => {
      parseMessage(b);
      parseMessage(b, { maxMessageBytes: 300, maxHeaders: 5, maxLineBytes: 40, maxUriBytes: 10 });
    })), { numRuns: RUNS });
  });
  it('parseUri, parseVia, parseNameAddr, parseAuthParams on arbitrary and SIP-flavoured strings', () => {
    const input = fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: 'binary', maxLength: 60 }), sipish);
    fc.assert(fc.property(input, (s) => noThrow(() => {
      parseUri(s);
      parseUri(`sip:${s}`);
      parseVia(s);
      parseVia(`SIP/2.0/UDP ${s}`);
      parseNameAddr(s);
      parseAuthParams(`Digest ${s}`);
      parseAuthParams(s);
    })), { numRuns: RUNS });
  });
  it('StreamFramer on arbitrary chunks, never buffering past its limit', () => {
    const chunks = fc.array(fc.oneof(fc.uint8Array({ maxLength: 100 }), mutated, fc.constant(Buffer.from('\r\n\r\n'))), { maxLength: 6 });
    fc.assert(fc.property(chunks, (list) => {
      const f = new StreamFramer({ maxMessageBytes: 2000 });
      for (const c of list) f.push(c);
      return f.buffered <= 2000 + 600;
    }), { numRuns: RUNS });
  });
});

const token = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~'.split('')), minLength: 1, maxLength: 12 });
const host = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.constantFrom('[2001:db8::1]', '[::1]', '[::ffff:192.0.2.1]'),
);
const headerValue = fc.string({ unit: fc.constantFrom(...'abc XYZ 019;=<>@:,"./'.split('')), maxLength: 30 }).map((s) => s.trim());

const validRequest = fc.record({
  method: token,
  user: fc.string({ unit: fc.constantFrom(...'abcXYZ019-_.'.split('')), minLength: 1, maxLength: 10 }),
  host,
  seq: fc.integer({ min: 0, max: 0xffffffff }),
  branch: token,
  callId: token,
  extra: fc.array(fc.tuple(token.filter((t) => !/^(l|content-length|via|v|to|t|from|f|call-id|i|cseq|max-forwards)$/i.test(t)), headerValue), { maxLength: 5 }),
  body: fc.string({ maxLength: 60 }),
});

describe('serialize → parse round trip', () => {
  it('RFC 3261 §7: method, Request-URI, headers (long names, order) and body survive', () => {
    fc.assert(fc.property(validRequest, (r) => {
      const uri = `sip:${r.user}@${r.host}`;
      const headers: [string, string][] = [
        ['Via', `SIP/2.0/UDP ${r.host};branch=z9hG4bK${r.branch}`],
        ['Max-Forwards', '70'],
        ['To', `<${uri}>`],
        ['From', `<sip:caller@${r.host}>;tag=${r.branch}`],
        ['Call-ID', r.callId],
        ['CSeq', `${r.seq} ${r.method}`],
        ...r.extra,
      ];
      const msg = createRequest({ method: r.method, uri, headers, body: r.body });
      const back = parseMessage(serializeMessage(msg));
      assert.ok(back.ok, back.ok ? '' : back.error.detail);
      assert.equal(back.value.kind, 'request');
      if (back.value.kind !== 'request') return false;
      assert.equal(back.value.method, r.method);
      assert.equal(back.value.uri, uri);
      assert.deepEqual(back.value.headers.slice(0, -1).map((h) => [h.name, h.value]), msg.headers.map((h) => [h.name, h.value]));
      assert.deepEqual(Buffer.from(back.value.body), Buffer.from(r.body, 'utf8'));
      return true;
    }), { numRuns: RUNS });
  });

  it('RFC 3261 §20.14: Content-Length equals the byte length of multi-byte UTF-8 bodies', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (body) => {
      const wire = serializeMessage(createRequest({ method: 'MESSAGE', uri: 'sip:a@b.com', body })).toString('utf8');
      const m = /Content-Length: (\d+)\r\n\r\n/.exec(wire);
      return m !== null && Number(m[1]) === Buffer.byteLength(body, 'utf8');
    }), { numRuns: RUNS });
  });
});
