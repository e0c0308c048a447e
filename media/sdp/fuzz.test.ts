// RFC-agnostic properties (CONVENTIONS 17): the SDP parser and anchorSdp never throw, whatever the
// input, and whatever parses survives serialize → parse unchanged.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';
import { anchorSdp } from './anchor.js';

const samples = ['baresip-offer', 'linphone-ice-offer', 'asterisk-offer', 'asterisk-hold', 'chrome-offer', 'rfc4317-offer', 'rfc4317-answer'].map((n) =>
  readFileSync(new URL(`./testdata/${n}.sdp`, import.meta.url), 'utf8'),
);

/** a real SDP with lines dropped, duplicated, truncated or spliced with junk */
const mutated = fc
  .tuple(
    fc.constantFrom(...samples),
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 12 })), { maxLength: 6 }),
  )
  .map(([text, edits]) => {
    const lines = text.split('\n');
    for (const [at, kind, junk] of edits) {
      const i = at % lines.length;
      if (kind === 0) lines.splice(i, 1);
      else if (kind === 1) lines.splice(i, 0, lines[i]!);
      else if (kind === 2) lines[i] = lines[i]!.slice(0, junk.length);
      else lines[i] = lines[i]! + junk;
    }
    return lines.join(kind(edits.length));
  });
const kind = (n: number): string => (n % 2 === 0 ? '\n' : '\r\n');

function roundTrips(input: string | Uint8Array): void {
  const r = parseSdp(input);
  if (!r.ok) {
    assert.equal(typeof r.error.code, 'string');
    return;
  }
  const again = parseSdp(serializeSdp(r.value));
  assert.ok(again.ok);
  assert.deepEqual(again.value, r.value);
  const anchored = anchorSdp({ sdp: r.value, address: '192.0.2.9', rtpPort: 30000, rtcpPort: 30001, origin: { sessionId: '1', version: 1 } });
  if (anchored.ok) assert.ok(parseSdp(serializeSdp(anchored.sdp)).ok, 'our own SDP parses');
}

describe('SDP fuzz', () => {
  it('never throws on arbitrary text or bytes', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => roundTrips(s)), { numRuns: 2000 });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => roundTrips(b)), { numRuns: 1000 });
  });

  it('never throws on mutated real SDP, and what parses round-trips', () => {
    fc.assert(fc.property(mutated, (s) => roundTrips(s)), { numRuns: 3000 });
  });

  it('line-shaped junk: random type letters and values', () => {
    const line = fc.tuple(fc.constantFrom(...'vosiuepcbtrzkamx'), fc.string({ maxLength: 30 })).map(([t, v]) => `${t}=${v}`);
    const body = fc.array(line, { maxLength: 20 }).map((ls) => ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', ...ls].join('\r\n'));
    fc.assert(fc.property(body, (s) => roundTrips(s)), { numRuns: 3000 });
  });
});
