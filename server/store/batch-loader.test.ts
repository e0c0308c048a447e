import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BatchLoader } from './batch-loader.js';

describe('BatchLoader', () => {
  it('serves the lookups of one event-loop turn with one fetch, the same key once', async () => {
    const fetched: string[][] = [];
    const loader = new BatchLoader<number>({
      fetch: async (keys) => {
        fetched.push([...keys]);
        return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
      },
    });
    const results = await Promise.all([loader.load('a'), loader.load('bb'), loader.load('a'), loader.load('missing')]);
    assert.deepEqual(results, [1, 2, 1, undefined]);
    assert.deepEqual(fetched, [['a', 'bb', 'missing']]);
    assert.equal(await loader.load('ccc'), 3);
    assert.equal(fetched.length, 2, 'a later turn is a new batch');
  });

  it('splits large batches and rejects only the waiters of a failed chunk', async () => {
    const loader = new BatchLoader<string>({
      maxBatch: 2,
      fetch: async (keys) => {
        if (keys.includes('bad')) throw new Error('boom');
        return new Map(keys.map((k) => [k, k]));
      },
    });
    const settled = await Promise.allSettled(['x', 'y', 'bad', 'z'].map((k) => loader.load(k)));
    assert.deepEqual(settled.map((s) => s.status), ['fulfilled', 'fulfilled', 'rejected', 'rejected']);
  });
});
