import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../sip/clock.js';
import type { SecurityEvent } from '../registrar/ports.js';
import type { Flow } from '../sip/transport/types.js';
import { BanList, normalizeIp } from './bans.js';
import { AdmissionControl } from './admission.js';
import { RateLimiter } from './rate-limit.js';

const flowFrom = (address: string): Flow => ({
  protocol: 'udp',
  local: { address: '127.0.0.1', port: 5060 },
  remote: { address, port: 5062 },
});

function setup(extra: Partial<ConstructorParameters<typeof BanList>[0]> = {}) {
  const clock = new FakeClock();
  const events: SecurityEvent[] = [];
  const bans = new BanList({ clock, sink: { record: (e) => events.push(e) }, ...extra });
  return { clock, events, bans };
}

describe('BanList', () => {
  it('5 failed authentications within the window ban the source; the 6th request is dropped', () => {
    const { bans, events, clock } = setup();
    const filter = new AdmissionControl({ clock, bans }).filter;
    for (let i = 0; i < 4; i++) {
      assert.equal(bans.recordFailure('192.0.2.7'), false);
      assert.equal(filter(flowFrom('192.0.2.7')), 'accept');
    }
    assert.equal(bans.recordFailure('192.0.2.7'), true);
    assert.equal(bans.isBanned('192.0.2.7'), true);
    assert.equal(filter(flowFrom('192.0.2.7')), 'drop');
    assert.equal(filter(flowFrom('192.0.2.8')), 'accept');
    assert.equal(events.filter((e) => e.kind === 'auth-failure').length, 5);
    assert.deepEqual(
      events.filter((e) => e.kind === 'ban').map((e) => e.source),
      ['192.0.2.7'],
    );
  });
  it('failures spread wider than the window do not ban', () => {
    const { bans, clock } = setup();
    for (let i = 0; i < 10; i++) {
      assert.equal(bans.recordFailure('192.0.2.7'), false);
      clock.advance(150_001);
    }
    assert.equal(bans.isBanned('192.0.2.7'), false);
  });
  it('the ban is lifted after the ban time, with an unban event', () => {
    const { bans, clock, events } = setup({ banTimeMs: 60_000 });
    for (let i = 0; i < 5; i++) bans.recordFailure('198.51.100.1');
    clock.advance(59_999);
    assert.equal(bans.isBanned('198.51.100.1'), true);
    clock.advance(1);
    assert.equal(bans.isBanned('198.51.100.1'), false);
    assert.equal(events.at(-1)?.kind, 'unban');
    assert.deepEqual(bans.list(), []);
  });
  it('unban() lifts a ban by hand and list() shows current bans', () => {
    const { bans } = setup({ threshold: 2 });
    bans.recordFailure('2001:db8::1');
    bans.recordFailure('2001:db8::1');
    assert.deepEqual(
      bans.list().map((b) => b.ip),
      ['2001:db8::1'],
    );
    assert.equal(bans.unban('2001:db8::1'), true);
    assert.equal(bans.isBanned('2001:db8::1'), false);
    assert.equal(bans.unban('2001:db8::1'), false);
  });
  it('a success for an account clears the failures for that account (a phone that mistyped)', () => {
    const { bans } = setup();
    for (let i = 0; i < 4; i++) bans.recordFailure('192.0.2.9', '1001');
    bans.recordSuccess('192.0.2.9', '1001');
    for (let i = 0; i < 4; i++) bans.recordFailure('192.0.2.9', '1001');
    assert.equal(bans.isBanned('192.0.2.9'), false);
  });
  it("issue 18, finding 5: a success for the attacker's own account does not reset its guesses at another", () => {
    const { bans } = setup();
    let guesses = 0;
    // 3 wrong guesses for 1000, one good REGISTER for 1009, repeated (the probe's 1,275 guesses, no ban)
    while (!bans.isBanned('192.0.2.66') && guesses < 100) {
      for (let i = 0; i < 3 && !bans.isBanned('192.0.2.66'); i++, guesses++) bans.recordFailure('192.0.2.66', '1000');
      bans.recordSuccess('192.0.2.66', '1009');
    }
    assert.equal(guesses, 5);
  });
  it('issue 18, finding 5: failures are counted per account; past its threshold each failing source is banned at once', () => {
    const { bans, events } = setup({ accountThreshold: 20 });
    // 5 sources guessing 4 times each at 1000 stay under the per-source threshold...
    for (let s = 1; s <= 5; s++) for (let i = 0; i < 4; i++) assert.equal(bans.recordFailure(`203.0.113.${s}`, '1000'), false);
    // ...but the account has now failed 20 times: the next source's first failure bans it
    assert.equal(bans.recordFailure('203.0.113.50', '1000'), true);
    assert.equal(events.filter((e) => e.kind === 'ban').at(-1)?.detail.accountUnderAttack, '1000');
    // other accounts are not affected
    assert.equal(bans.recordFailure('203.0.113.51', '1001'), false);
  });
  it('issue 18, finding 7: bans are written to the store, removed when lifted, and restored', () => {
    const saved = new Map<string, number>();
    const store = { save: (e: { ip: string; until: number }) => void saved.set(e.ip, e.until), remove: (ip: string) => void saved.delete(ip) };
    const { bans, events } = setup({ threshold: 1, banTimeMs: 60_000, store });
    bans.recordFailure('192.0.2.20');
    bans.recordFailure('192.0.2.21');
    bans.unban('192.0.2.21');
    assert.deepEqual([...saved.keys()], ['192.0.2.20']);
    // a new process: the same store's bans hold again, with a 'ban' event marked restored
    const next = setup({ threshold: 1 });
    next.clock.advance(30_000);
    const restored = next.bans.restore([...saved].map(([ip, until]) => ({ ip, since: 0, until, failures: 1 })).concat([{ ip: '192.0.2.22', since: 0, until: 1, failures: 1 }]));
    assert.equal(restored, 1, 'an ended ban is not restored');
    assert.equal(next.bans.isBanned('192.0.2.20'), true);
    assert.equal(next.events.at(-1)?.detail.restored, true);
    next.clock.advance(30_000);
    assert.equal(next.bans.isBanned('192.0.2.20'), false);
    assert.ok(events.length > 0);
  });
  it('exempt addresses are never banned', () => {
    const { bans } = setup({ exempt: ['10.0.0.1'] });
    for (let i = 0; i < 20; i++) bans.recordFailure('10.0.0.1');
    assert.equal(bans.isBanned('10.0.0.1'), false);
  });
  it('IPv4-mapped IPv6 addresses count as the IPv4 source', () => {
    const { bans } = setup({ threshold: 2 });
    bans.recordFailure('::ffff:192.0.2.1');
    bans.recordFailure('192.0.2.1');
    assert.equal(bans.isBanned('192.0.2.1'), true);
    assert.equal(bans.isBanned('::FFFF:192.0.2.1'), true);
    assert.equal(normalizeIp('[2001:DB8::1]'), '2001:db8::1');
  });
  it('memory is bounded: counters beyond maxTracked forget the least recent source', () => {
    const { bans } = setup({ threshold: 2, maxTracked: 100 });
    bans.recordFailure('203.0.113.1');
    for (let i = 0; i < 1000; i++) bans.recordFailure(`10.1.${i >> 8}.${i & 255}`);
    // 203.0.113.1's first failure was forgotten, so one more failure does not ban it
    assert.equal(bans.recordFailure('203.0.113.1'), false);
  });
  it('memory is bounded: bans beyond maxBans drop the one ending soonest', () => {
    const { bans, clock } = setup({ threshold: 1, maxBans: 3 });
    for (let i = 1; i <= 4; i++) {
      bans.recordFailure(`192.0.2.${i}`);
      clock.advance(1);
    }
    assert.equal(bans.list().length, 3);
    assert.equal(bans.isBanned('192.0.2.1'), false);
    assert.equal(bans.isBanned('192.0.2.4'), true);
  });
});

describe('RateLimiter', () => {
  it('drops a flood beyond the burst and emits one rate-limit event per minute', () => {
    const clock = new FakeClock();
    const events: SecurityEvent[] = [];
    const limiter = new RateLimiter({ clock, sink: { record: (e) => events.push(e) }, ratePerSecond: 10, burst: 20 });
    const filter = new AdmissionControl({ clock, rateLimiter: limiter }).filter;
    let accepted = 0;
    for (let i = 0; i < 1000; i++) if (filter(flowFrom('192.0.2.50')) === 'accept') accepted++;
    assert.equal(accepted, 20);
    assert.equal(events.filter((e) => e.kind === 'rate-limit').length, 1);
    // another source is not affected
    assert.equal(filter(flowFrom('192.0.2.51')), 'accept');
    clock.advance(30_000);
    for (let i = 0; i < 1000; i++) filter(flowFrom('192.0.2.50'));
    assert.equal(events.length, 1, 'still within the minute');
    clock.advance(30_000);
    for (let i = 0; i < 1000; i++) filter(flowFrom('192.0.2.50'));
    assert.equal(events.length, 2);
  });
  it('refills at the configured rate', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, ratePerSecond: 10, burst: 5 });
    for (let i = 0; i < 5; i++) assert.equal(limiter.check('192.0.2.1'), true);
    assert.equal(limiter.check('192.0.2.1'), false);
    clock.advance(100); // one token at 10/s
    assert.equal(limiter.check('192.0.2.1'), true);
    assert.equal(limiter.check('192.0.2.1'), false);
    clock.advance(10_000); // never more than the burst
    let n = 0;
    while (n < 100 && limiter.check('192.0.2.1')) n++;
    assert.equal(n, 5);
  });
  it('defaults allow a 400-request burst and 200 requests/s sustained', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock });
    let n = 0;
    while (n < 1000 && limiter.check('192.0.2.1')) n++;
    assert.equal(n, 400);
    clock.advance(1000);
    n = 0;
    while (n < 1000 && limiter.check('192.0.2.1')) n++;
    assert.equal(n, 200);
  });
  it('tracks a bounded number of sources', () => {
    const clock = new FakeClock();
    const limiter = new RateLimiter({ clock, maxTracked: 50 });
    for (let i = 0; i < 500; i++) limiter.check(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(limiter.tracked, 50);
  });
  it('a banned source is dropped before it spends a token', () => {
    const clock = new FakeClock();
    const bans = new BanList({ clock, threshold: 1 });
    const limiter = new RateLimiter({ clock, ratePerSecond: 1, burst: 1 });
    const filter = new AdmissionControl({ clock, bans, rateLimiter: limiter }).filter;
    bans.recordFailure('192.0.2.1');
    assert.equal(filter(flowFrom('192.0.2.1')), 'drop');
    bans.unban('192.0.2.1');
    assert.equal(filter(flowFrom('192.0.2.1')), 'accept');
  });
});
