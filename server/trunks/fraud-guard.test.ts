// Toll-fraud guard on the fake clock: per-extension and global limits per minute and at once; a
// trip is reported once per run of refusals.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../sip/index.js';
import { TollFraudGuard, type FraudTrip } from './fraud-guard.js';

const make = (limits: Partial<ConstructorParameters<typeof TollFraudGuard>[0]['limits']> = {}) => {
  const clock = new FakeClock();
  const trips: FraudTrip[] = [];
  const guard = new TollFraudGuard({ clock, limits: { perExtensionPerMinute: 3, globalPerMinute: 100, perExtensionConcurrent: 10, globalConcurrent: 100, ...limits }, tripped: (t) => trips.push(t) });
  return { clock, trips, guard };
};

describe('toll-fraud guard', () => {
  it('the per-extension per-minute limit refuses the 4th call in 60 s, alerts once, and admits again after the window', () => {
    const { clock, trips, guard } = make();
    for (let i = 0; i < 3; i++) assert.equal(guard.admit('1001').ok, true);
    assert.deepEqual(guard.admit('1001'), { ok: false, limit: 'extension-per-minute' });
    assert.equal(guard.admit('1001').ok, false);
    assert.equal(trips.length, 1);
    assert.equal(trips[0]!.extension, '1001');
    assert.equal(guard.admit('1002').ok, true, 'another extension is not limited');
    clock.advance(60_000);
    assert.equal(guard.admit('1001').ok, true);
  });

  it('concurrent limits count calls until they are released', () => {
    const { trips, guard } = make({ perExtensionConcurrent: 1, globalConcurrent: 2 });
    const a = guard.admit('1001');
    assert.ok(a.ok);
    assert.deepEqual(guard.admit('1001'), { ok: false, limit: 'extension-concurrent' });
    assert.ok(guard.admit('1002').ok);
    assert.deepEqual(guard.admit('1003'), { ok: false, limit: 'global-concurrent' });
    a.release();
    a.release();
    assert.ok(guard.admit('1001').ok);
    assert.deepEqual(trips.map((t) => t.limit), ['extension-concurrent', 'global-concurrent']);
  });
});
