import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, silentLogger, type Logger } from '../sip/index.js';
import { startHeartbeat } from './heartbeat.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('process heartbeat', () => {
  it('stores "alive" at once and then every interval, and nothing after stop()', () => {
    const clock = new FakeClock();
    const t0 = clock.now();
    const beats: number[] = [];
    const heartbeat = startHeartbeat({ clock, logger: silentLogger, intervalMs: 1000, beat: async (at) => void beats.push(at) });
    clock.advance(3500);
    assert.deepEqual(beats, [t0, t0 + 1000, t0 + 2000, t0 + 3000]);
    heartbeat.stop();
    heartbeat.stop();
    clock.advance(5000);
    assert.equal(beats.length, 4);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('keeps beating while the store fails, and says so once per outage', async () => {
    const clock = new FakeClock();
    const warnings: string[] = [];
    const infos: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (...a: unknown[]) => void warnings.push(String(a.at(-1))), info: (...a: unknown[]) => void infos.push(String(a.at(-1))) };
    let failing = true;
    let calls = 0;
    const heartbeat = startHeartbeat({
      clock,
      logger,
      intervalMs: 1000,
      beat: () => (calls++, failing ? Promise.reject(new Error('queue full')) : Promise.resolve()),
    });
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      await tick();
    }
    assert.equal(calls, 4);
    assert.equal(warnings.length, 1);
    failing = false;
    clock.advance(1000);
    await tick();
    assert.equal(calls, 5);
    assert.equal(infos.length, 1, 'recovery noted once');
    heartbeat.stop();
  });
});
