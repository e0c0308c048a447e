// Notification e-mails that survive a relay that is down and a restart. Each new message's mail is
// a row (store: mail_outbox) before the first try; the row goes once the relay took the mail. A
// refusal or a connection error waits the next entry of the retry schedule (by default 1, 5, 15
// and 60 minutes) and tries again; after the last one the row stays 'failed', is logged and
// audited (the error message only: a transport error may carry its options, the password among
// them). One timer, set for the earliest due row; the schedule is injectable (HAILING_SMTP_RETRY_S)
// so that a test does not wait minutes.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger, TimerHandle } from '../sip/index.js';
import type { MailOutboxRepository, MailOutboxRow } from '../store/index.js';

export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [60_000, 300_000, 900_000, 3_600_000];

/** what a send did: 'sent' (the relay took it), 'nothing' (no address, or the message is gone); a refusal throws */
export type SendResult = 'sent' | 'nothing';

export interface MailQueueOptions {
  readonly repository: MailOutboxRepository;
  /** mails about the voicemail message `messageId` */
  readonly send: (messageId: string) => Promise<SendResult>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** the final failure, for the audit log */
  readonly failed?: (row: MailOutboxRow & { readonly lastError: string }) => void;
  /** the wait before each retry; its length bounds the tries (one more than its entries) */
  readonly retryScheduleMs?: readonly number[];
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : 'unknown').slice(0, 500);

export class MailQueue {
  readonly #o: MailQueueOptions;
  readonly #schedule: readonly number[];
  /** rows being tried now: the timer and an enqueue never try one twice at once */
  readonly #busy = new Set<string>();
  #timer: TimerHandle | undefined;
  #timerAt = Infinity;
  #stopped = false;

  constructor(options: MailQueueOptions) {
    this.#o = options;
    this.#schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  }

  /** picks up the rows a previous run left (due ones are tried at once) */
  async start(): Promise<void> {
    await this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** a mail about a new message: stored first, then tried at once */
  async enqueue(o: { readonly messageId: string; readonly mailbox: string }): Promise<void> {
    const now = this.#o.clock.now();
    const row: MailOutboxRow = { id: randomUUID(), messageId: o.messageId, mailbox: o.mailbox, state: 'pending', attempts: 0, nextAttemptAt: now, lastError: null, createdAt: now };
    await this.#o.repository.add(row);
    await this.#try(row);
    await this.#arm();
  }

  counts(): Promise<{ pending: number; failed: number }> {
    return this.#o.repository.counts();
  }

  /** one try of `row`: removed when sent (or nothing to send), else rescheduled or failed for good */
  async #try(row: MailOutboxRow): Promise<void> {
    if (this.#busy.has(row.id) || this.#stopped) return;
    this.#busy.add(row.id);
    const attempts = row.attempts + 1;
    try {
      const result = await this.#o.send(row.messageId);
      await this.#o.repository.remove(row.id);
      if (result === 'sent' && attempts > 1) this.#o.logger.info({ mailbox: row.mailbox, message: row.messageId, attempts }, 'voicemail e-mail sent after a retry');
    } catch (err) {
      const lastError = errorText(err);
      const wait = this.#schedule[attempts - 1];
      if (wait === undefined) {
        await this.#o.repository.update(row.id, { state: 'failed', attempts, lastError });
        this.#o.logger.error({ mailbox: row.mailbox, message: row.messageId, attempts, err: lastError }, 'voicemail e-mail failed for good');
        this.#o.failed?.({ ...row, state: 'failed', attempts, lastError });
      } else {
        await this.#o.repository.update(row.id, { attempts, lastError, nextAttemptAt: this.#o.clock.now() + wait });
        this.#o.logger.warn({ mailbox: row.mailbox, message: row.messageId, attempts, retryInMs: wait, err: lastError }, 'voicemail e-mail not sent; queued for a retry');
      }
    } finally {
      this.#busy.delete(row.id);
    }
  }

  /** the timer for the earliest pending row (none when nothing waits) */
  async #arm(): Promise<void> {
    if (this.#stopped) return;
    const at = await this.#o.repository.nextDue();
    if (at === undefined || at >= this.#timerAt) return;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = this.#o.clock.setTimeout(() => void this.#run(), Math.max(0, at - this.#o.clock.now()));
  }

  async #run(): Promise<void> {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    try {
      for (const row of await this.#o.repository.due(this.#o.clock.now())) await this.#try(row);
      await this.#arm();
    } catch (err) {
      // the database refused: look again in a while rather than at once
      this.#o.logger.error({ err: errorText(err) }, 'voicemail e-mail queue run failed');
      if (!this.#stopped) this.#timer = this.#o.clock.setTimeout(() => void this.#run(), 30_000);
    }
  }
}
