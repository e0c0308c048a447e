// The retention job on the injected clock: every HAILING_RETENTION_PURGE_INTERVAL_MS the recording
// purge, the voicemail messages whose call's retention is over, then the audit rows older than HAILING_AUDIT_RETENTION_DAYS (never fewer than 180 days:
// the config refuses less, and this refuses it again).
import type { Clock, TimerHandle } from '../sip/index.js';
import type { AuditRepository } from '../store/index.js';
import type { RetentionService, VoicemailRetention } from '../recording/index.js';
import { MIN_AUDIT_RETENTION_DAYS } from '../security/audit-signing.js';

const DAY_MS = 86_400_000;

export interface RetentionJobOptions {
  readonly clock: Clock;
  readonly intervalMs: number;
  readonly recordings: RetentionService;
  /** voicemail messages follow their call's retention; absent: no mailboxes */
  readonly voicemail?: VoicemailRetention;
  readonly audit: AuditRepository;
  /** 0: audit rows are kept */
  readonly auditRetentionDays: number;
  readonly logger: { error(obj: object, msg?: string): void; info(obj: object, msg?: string): void };
}

export async function runRetention(o: RetentionJobOptions): Promise<void> {
  await o.recordings.purge();
  if (o.voicemail) await o.recordings.purgeVoicemail(o.voicemail);
  if (o.auditRetentionDays > 0) {
    const days = Math.max(MIN_AUDIT_RETENTION_DAYS, o.auditRetentionDays);
    const deleted = await o.audit.purgeBefore(o.clock.now() - days * DAY_MS);
    if (deleted > 0) o.logger.info({ deleted, days }, 'audit rows past retention deleted');
  }
}

export function startRetentionJob(o: RetentionJobOptions): { stop(): void } {
  let timer: TimerHandle | null = null;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    timer = o.clock.setTimeout(() => {
      void runRetention(o)
        .catch((err: unknown) => o.logger.error({ err: String(err) }, 'retention purge failed'))
        .finally(schedule);
    }, o.intervalMs);
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer !== null) o.clock.clearTimeout(timer);
    },
  };
}
