// The mail queue's schedule on a real database file with a manual clock: tries at the schedule's
// waits and no sooner, bounded, the final failure reported once; a later success removes the row;
// a row left by a previous run is tried at start. The relay itself is test/voicemail-email-retry-baresip's.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../sip/index.js';
import { MailOutboxRepository } from '../store/index.js';
import { openTempDatabase } from '../store/testing.js';
import { MailQueue, type SendResult } from './mail-queue.js';

const quiet = { info() {}, warn() {}, error() {}, debug() {}, child() { return quiet; } } as unknown as ConstructorParameters<typeof MailQueue>[0]['logger'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** the queue's database work is asynchronous: wait (really) until `probe` holds */
async function until(what: string, probe: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await probe()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('voicemail mail queue (real database file, manual clock)', () => {
  it('a relay that refuses gets one try and one per schedule entry, at those waits; then the row is failed and reported once', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const clock = new FakeClock();
      const tries: number[] = [];
      const failed: { attempts: number; lastError: string }[] = [];
      const repository = new MailOutboxRepository({ db: database.db });
      const queue = new MailQueue({
        repository,
        clock,
        logger: quiet,
        retryScheduleMs: [60_000, 300_000],
        send: async () => {
          tries.push(clock.now());
          throw new Error('connect ECONNREFUSED 127.0.0.1:2525');
        },
        failed: (row) => failed.push({ attempts: row.attempts, lastError: row.lastError }),
      });
      await queue.start();
      const t0 = clock.now();
      await queue.enqueue({ messageId: 'm-1', mailbox: '1002' });
      assert.deepEqual(tries, [t0]);
      assert.deepEqual(await queue.counts(), { pending: 1, failed: 0 });
      clock.advance(59_999);
      await sleep(50);
      assert.equal(tries.length, 1, 'no retry before the first wait');
      clock.advance(1);
      await until('the first retry', () => tries.length === 2);
      assert.equal(tries[1], t0 + 60_000);
      await until('the retry rescheduled', async () => (await repository.due(t0 + 360_000)).some((r) => r.attempts === 2));
      clock.advance(300_000);
      await until('the last try', () => failed.length === 1);
      assert.equal(tries[2], t0 + 360_000);
      assert.deepEqual(failed, [{ attempts: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:2525' }]);
      assert.deepEqual(await queue.counts(), { pending: 0, failed: 1 });
      clock.advance(24 * 3_600_000);
      await sleep(50);
      assert.equal(tries.length, 3, 'no try after the last');
      queue.stop();
    } finally {
      await cleanup().catch(() => undefined);
    }
  });

  it('a retry that gets through removes the row; a row left by an earlier run is tried at start', async () => {
    const { database, cleanup } = await openTempDatabase();
    try {
      const clock = new FakeClock();
      const repository = new MailOutboxRepository({ db: database.db });
      let refuse = true;
      const sent: string[] = [];
      const send = async (id: string): Promise<SendResult> => {
        if (refuse) throw new Error('454 4.7.0 Temporary authentication failure');
        sent.push(id);
        return 'sent';
      };
      const first = new MailQueue({ repository, clock, logger: quiet, retryScheduleMs: [1_000], send });
      await first.enqueue({ messageId: 'm-2', mailbox: '1002' });
      assert.deepEqual(await first.counts(), { pending: 1, failed: 0 });
      // the process stops before the retry; the next one finds the row due and sends it at start
      first.stop();
      clock.advance(5_000);
      refuse = false;
      const second = new MailQueue({ repository, clock, logger: quiet, retryScheduleMs: [1_000], send });
      await second.start();
      clock.advance(0);
      await until('the mail sent', () => sent.length === 1);
      await until('the row removed', async () => (await second.counts()).pending === 0);
      assert.deepEqual(sent, ['m-2']);
      assert.deepEqual(await second.counts(), { pending: 0, failed: 0 });
      second.stop();
    } finally {
      await cleanup().catch(() => undefined);
    }
  });
});
