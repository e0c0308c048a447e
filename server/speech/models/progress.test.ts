import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { progressLine } from './progress.js';

describe('install progress line', () => {
  it('shows bytes of total, rate and ETA when the size is known', () => {
    const line = progressLine({ bytes: 50 * 1048576, total: 200 * 1048576, rate: 5 * 1048576, etaS: 30 });
    assert.equal(line, `[${'#'.repeat(8)}${'.'.repeat(22)}]  25%  50.0 MiB of 200.0 MiB  5.0 MiB/s  ETA 30 s`);
  });
  it('shows bytes and rate alone when the server gives no length', () => {
    assert.equal(progressLine({ bytes: 1048576, total: null, rate: 524288, etaS: null }), '1.0 MiB  0.5 MiB/s');
  });
});
