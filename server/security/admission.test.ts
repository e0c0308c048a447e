// Admission before parsing (issue 18 §9): suspect sources are held to a small rate each and a small
// budget together, unauthenticated work shares one budget, authenticated phones do not draw from
// it, banned sources are dropped first. Driven by the fake clock.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../sip/clock.js';
import type { SecurityEvent } from '../registrar/ports.js';
import { AdmissionControl, type AdmissionOptions } from './admission.js';
import { BanList } from './bans.js';
import { RateLimiter } from './rate-limit.js';

function setup(extra: Partial<AdmissionOptions> = {}) {
  const clock = new FakeClock();
  const events: SecurityEvent[] = [];
  const sink = { record: (e: SecurityEvent) => events.push(e) };
  const bans = new BanList({ clock, sink, threshold: 5 });
  const rateLimiter = new RateLimiter({ clock, sink, ratePerSecond: 200, burst: 400 });
  const admission = new AdmissionControl({ clock, sink, bans, rateLimiter, ...extra });
  return { clock, events, bans, admission };
}

/** how many of n requests, sent at once, are admitted */
const admitted = (a: AdmissionControl, ip: string, n: number) => Array.from({ length: n }, () => a.admit(ip)).filter(Boolean).length;

describe('AdmissionControl', () => {
  it('a source whose credentials were refused suspectAfter times is held to its small rate; a clean source is not', () => {
    const { admission, clock, events } = setup({ suspectAfter: 3, suspectRatePerSecond: 2 });
    for (let i = 0; i < 2; i++) admission.refused('192.0.2.1');
    assert.equal(admission.isSuspect('192.0.2.1'), false, 'a phone with a stale nonce is not suspect');
    admission.refused('192.0.2.1');
    assert.equal(admission.isSuspect('192.0.2.1'), true);
    assert.equal(events.filter((e) => e.kind === 'rate-limit' && e.source === '192.0.2.1').length, 1);
    assert.equal(admitted(admission, '192.0.2.1', 50), 0, 'its bucket starts empty');
    clock.advance(1000);
    assert.equal(admitted(admission, '192.0.2.1', 50), 2);
    assert.equal(admitted(admission, '198.51.100.1', 50), 50);
  });

  it('suspicion ends suspectForMs after the last refusal', () => {
    const { admission, clock } = setup({ suspectAfter: 1, suspectForMs: 60_000 });
    admission.refused('192.0.2.1');
    clock.advance(60_001);
    assert.equal(admission.isSuspect('192.0.2.1'), false);
    assert.equal(admitted(admission, '192.0.2.1', 50), 50);
  });

  it('100 suspect sources together get the suspect budget, not 100 times their own rate', () => {
    const { admission, clock } = setup({ suspectAfter: 1, suspectRatePerSecond: 5, suspectBudgetPerSecond: 100 });
    const sources = Array.from({ length: 100 }, (_, i) => `127.1.0.${i + 1}`);
    for (const s of sources) admission.refused(s);
    clock.advance(1000); // each has 5 tokens now: 500 in all, the budget allows 100
    let total = 0;
    for (let round = 0; round < 50; round++) for (const s of sources) total += admission.admit(s) ? 1 : 0;
    assert.equal(total, 100);
  });

  it('unauthenticated sources share the untrusted budget; a source that authenticated does not draw from it', () => {
    const { admission } = setup({ untrustedBudgetPerSecond: 1000 });
    admission.authenticated('192.0.2.50');
    let fresh = 0;
    for (let i = 0; i < 2000; i++) fresh += admission.admit(`10.${(i >> 8) & 255}.${i & 255}.1`) ? 1 : 0;
    assert.equal(fresh, 1000);
    assert.equal(admitted(admission, '192.0.2.50', 100), 100);
    assert.equal(admitted(admission, '192.0.2.51', 1), 0);
  });

  it('suspicion outranks trust: one good registration does not lift the limit on three guesses', () => {
    const { admission } = setup({ suspectAfter: 3 });
    admission.authenticated('192.0.2.9');
    for (let i = 0; i < 3; i++) admission.refused('192.0.2.9');
    admission.authenticated('192.0.2.9');
    assert.equal(admitted(admission, '192.0.2.9', 10), 0);
  });

  it('a proxy in front of many phones is not suspect for the few it relays with wrong passwords', () => {
    const { admission } = setup({ suspectAfter: 3 });
    for (let i = 0; i < 100; i++) {
      admission.authenticated('192.0.2.10');
      if (i % 10 === 0) admission.refused('192.0.2.10');
    }
    assert.equal(admission.isSuspect('192.0.2.10'), false);
  });

  it('banned sources are dropped first, over-rate sources next', () => {
    const { admission, bans } = setup();
    for (let i = 0; i < 5; i++) bans.recordFailure('192.0.2.66');
    assert.equal(admission.admit('192.0.2.66'), false);
    assert.equal(admitted(admission, '192.0.2.67', 500), 400, 'the per-source burst');
  });

  it('memory is bounded: at most maxTracked sources per table', () => {
    const { admission } = setup({ maxTracked: 100, suspectAfter: 1 });
    for (let i = 0; i < 1000; i++) {
      admission.refused(`10.0.${i >> 8}.${i & 255}`);
      admission.authenticated(`10.1.${i >> 8}.${i & 255}`);
    }
    assert.equal(admission.isSuspect('10.0.3.231'), true, 'the most recent is remembered');
    assert.equal(admission.isSuspect('10.0.0.0'), false, 'the oldest is forgotten');
    assert.deepEqual(admission.tracked, { suspects: 100, trusted: 100 });
  });
});
