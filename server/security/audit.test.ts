import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuditLog, type AuditRecord } from './audit.js';

describe('AuditLog', () => {
  it('passes records to the sink and never throws or rejects when the sink fails; failures are logged', async () => {
    const got: AuditRecord[] = [];
    const errors: object[] = [];
    let mode: 'ok' | 'reject' | 'throw' = 'ok';
    const log = new AuditLog({
      sink: {
        append(entry) {
          if (mode === 'throw') throw new Error('sync boom');
          if (mode === 'reject') return Promise.reject(new Error('db down'));
          got.push(entry);
          return Promise.resolve();
        },
      },
      logger: { error: (obj) => void errors.push(obj) },
    });
    log.record({ actor: 'admin', action: 'login', source: '127.0.0.1' });
    mode = 'reject';
    log.record({ actor: 'admin', action: 'extension.create', target: '1001' });
    mode = 'throw';
    assert.doesNotThrow(() => log.record({ actor: 'admin', action: 'extension.delete', target: '1001' }));
    await log.settled();
    assert.deepEqual(got, [{ actor: 'admin', action: 'login', source: '127.0.0.1' }]);
    assert.equal(errors.length, 2);
  });
});
