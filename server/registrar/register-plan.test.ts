import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NameAddr } from '../sip/message/types.js';
import type { Binding } from './ports.js';
import { parseDeltaSeconds, parseQValue, planRegister, type PlanInput } from './register-plan.js';

const flow = { protocol: 'udp' as const, local: { address: '127.0.0.1', port: 5060 }, remote: { address: '192.0.2.1', port: 5062 } };
const base: PlanInput = {
  aor: 'sip:1001@example.com',
  contacts: [],
  headerExpires: undefined,
  callId: 'a@b',
  cseq: 2,
  existing: [],
  limits: { minExpires: 60, maxExpires: 3600, defaultExpires: 3600 },
  maxContacts: 3,
  now: 1_000_000,
  flow,
  source: flow.remote,
  userAgent: undefined,
};
const contact = (uri: string, params: Record<string, string | null> = {}): NameAddr => ({ uri, params: new Map(Object.entries(params)) });
const binding = (contactUri: string, extra: Partial<Binding> = {}): Binding => ({
  aor: base.aor,
  contact: contactUri,
  q: 1,
  expiresAt: base.now + 100_000,
  callId: 'a@b',
  cseq: 1,
  flow,
  source: flow.remote,
  updatedAt: base.now - 1,
  ...extra,
});

describe('planRegister (RFC 3261 10.3 steps 6-7)', () => {
  it('RFC 3261 20.19: delta-seconds are digits; overlarge values are capped at 2^32-1', () => {
    assert.equal(parseDeltaSeconds('3600'), 3600);
    assert.equal(parseDeltaSeconds('99999999999999'), 4294967295);
    assert.equal(parseDeltaSeconds('-1'), undefined);
    assert.equal(parseDeltaSeconds('1e3'), undefined);
    assert.equal(parseDeltaSeconds(null), undefined);
  });
  it('RFC 3261 20.10: q-values are 0..1 with up to three decimals', () => {
    assert.equal(parseQValue(undefined), 1);
    assert.equal(parseQValue('0.5'), 0.5);
    assert.equal(parseQValue('1.000'), 1);
    assert.equal(parseQValue('1.5'), undefined);
    assert.equal(parseQValue('0.1234'), undefined);
  });
  it('RFC 3261 10.3 step 7: one too-brief contact fails the whole request with 423', () => {
    const r = planRegister({ ...base, contacts: [contact('sip:a@h', { expires: '3600' }), contact('sip:b@h', { expires: '10' })] });
    assert.deepEqual(r, { ok: false, error: { kind: 'interval-too-brief', minExpires: 60 } });
  });
  it('RFC 3261 10.3 step 7: a different Call-ID updates the binding whatever its CSeq', () => {
    const r = planRegister({ ...base, callId: 'other', cseq: 1, contacts: [contact('sip:a@h')], existing: [binding('sip:a@h', { cseq: 50 })] });
    assert.ok(r.ok);
    assert.equal(r.value.result.length, 1);
    assert.equal(r.value.result[0]?.callId, 'other');
    assert.deepEqual(r.value.remove, []);
  });
  it('RFC 3261 10.3 step 7: the same Call-ID with an equal CSeq aborts the update', () => {
    const r = planRegister({ ...base, cseq: 1, contacts: [contact('sip:a@h')], existing: [binding('sip:a@h', { cseq: 1 })] });
    assert.equal(r.ok ? 'ok' : r.error.kind, 'out-of-order');
  });
  it('RFC 3261 10.3 step 6: "*" with an out-of-order binding aborts', () => {
    const r = planRegister({ ...base, cseq: 1, headerExpires: 0, contacts: '*', existing: [binding('sip:a@h', { cseq: 5 })] });
    assert.equal(r.ok ? 'ok' : r.error.kind, 'out-of-order');
  });
  it('limits the contacts per AOR', () => {
    const r = planRegister({ ...base, contacts: ['sip:a@h', 'sip:b@h', 'sip:c@h', 'sip:d@h'].map((u) => contact(u)) });
    assert.deepEqual(r, { ok: false, error: { kind: 'too-many-contacts', max: 3 } });
  });
  it('the same contact twice in one request: the last one wins', () => {
    const r = planRegister({ ...base, contacts: [contact('sip:a@h', { expires: '600' }), contact('sip:a@h', { expires: '0' })] });
    assert.ok(r.ok);
    assert.deepEqual(r.value.result, []);
    assert.deepEqual(r.value.save, []);
  });
  it('property: never throws, and the result never exceeds the contact limit', () => {
    const param = fc.option(fc.oneof(fc.string({ maxLength: 8 }), fc.nat().map(String)), { nil: null });
    const arb = fc.array(
      fc.record({ uri: fc.oneof(fc.constantFrom('sip:a@h', 'sip:b@h', 'sips:a@h:5061', 'tel:+1234'), fc.string({ maxLength: 20 })), expires: param, q: param }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(arb, fc.option(fc.nat(), { nil: undefined }), fc.nat({ max: 10 }), (list, headerExpires, cseq) => {
        const contacts = list.map((c) => contact(c.uri, { ...(c.expires !== null ? { expires: c.expires } : {}), ...(c.q !== null ? { q: c.q } : {}) }));
        const r = planRegister({ ...base, contacts, headerExpires, cseq, existing: [binding('sip:a@h', { cseq: 3 })] });
        if (r.ok) assert.ok(r.value.result.length <= base.maxContacts);
      }),
      { numRuns: 300 },
    );
  });
});
