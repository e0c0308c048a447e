import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger, type Logger } from '../sip/index.js';
import { CallObserver } from './observer.js';
import type { CallRecord } from './types.js';

const record = { id: 'call-1' } as CallRecord;

describe('CallObserver.ended', () => {
  it('resolves only once every store of call ends has finished its write', async () => {
    const observer = new CallObserver(silentLogger);
    let release!: () => void;
    const stored: string[] = [];
    observer.onEnded(async (r) => {
      await new Promise<void>((resolve) => (release = resolve));
      stored.push(r.id);
    });
    let settled = false;
    const ended = observer.ended(record).then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'still writing');
    release();
    await ended;
    assert.deepEqual(stored, ['call-1']);
  });

  it('a failed write is logged, never thrown: the BYE is answered either way', async () => {
    const errors: unknown[] = [];
    const logger: Logger = { ...silentLogger, error: (...a: unknown[]) => void errors.push(a[0]) };
    const observer = new CallObserver(logger);
    const off = observer.onEnded(() => Promise.reject(new Error('disk full')));
    await observer.ended(record);
    assert.equal(errors.length, 1);
    off();
    await observer.ended(record);
    assert.equal(errors.length, 1, 'unsubscribed');
  });
});
