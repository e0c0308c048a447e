import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../sip/clock.js';
import { silentLogger } from '../sip/logger.js';
import { drainWithDeadline } from './drain.js';

const flush = () => new Promise((r) => setImmediate(r));

describe('graceful stop with a deadline (issue 18 finding 4)', () => {
  it('a drain that never finishes is cut at the deadline and what remains is destroyed', async () => {
    const clock = new FakeClock();
    let forced = 0;
    const outcome = drainWithDeadline({
      clock,
      deadlineMs: 10_000,
      logger: silentLogger,
      // a half-open socket: the graceful part waits for ever
      drain: () => new Promise<void>(() => {}),
      force: () => {
        forced++;
        return Promise.resolve();
      },
    });
    let settled: string | undefined;
    void outcome.then((o) => (settled = o));
    clock.advance(9_999);
    await flush();
    assert.equal(settled, undefined);
    assert.equal(forced, 0);
    clock.advance(1);
    await flush();
    assert.equal(settled, 'forced');
    assert.equal(forced, 1);
  });

  it('a drain that finishes in time destroys nothing and leaves no timer behind', async () => {
    const clock = new FakeClock();
    let forced = 0;
    const outcome = await drainWithDeadline({
      clock,
      deadlineMs: 10_000,
      logger: silentLogger,
      drain: () => Promise.resolve(),
      force: () => {
        forced++;
        return Promise.resolve();
      },
    });
    assert.equal(outcome, 'drained');
    assert.equal(forced, 0);
    assert.equal(clock.pendingTimers(), 0);
  });
});
