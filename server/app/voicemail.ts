// The voicemail side of the app: mailboxes over the database, sealed like recordings, their
// messages kept by their call's retention rules, and e-mail about new messages when an SMTP relay
// is configured (links point at the console; a mail the relay does not take now is kept in the
// database and retried, mail-queue.ts).
import { resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { RecordingVault } from '../recording/index.js';
import type { AuditLog } from '../security/audit.js';
import type { Clock, Logger } from '../sip/index.js';
import { MailOutboxRepository, VoicemailRepository, type Db, type VoicemailMessageRow } from '../store/index.js';
import { MailQueue, smtpSettingsOf, VoicemailMailer, VoicemailService, type VoicemailOptions } from '../voicemail/index.js';

export interface VoicemailSide {
  readonly voicemail: VoicemailService;
  readonly mailer: VoicemailMailer | null;
  readonly mailQueue: MailQueue | null;
}

export function createVoicemailSide(o: {
  readonly config: Config;
  readonly db: Db;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly audit: Pick<AuditLog, 'record'>;
  readonly vault: RecordingVault;
  /** a call's legal hold or WORM retention keeps its messages (server/recording/retention.ts) */
  readonly deleteRefusal: (callId: string) => Promise<string | null>;
  /** the call side's media engine, which exists once the call side does */
  readonly startRecording: VoicemailOptions['engine']['startRecording'];
}): VoicemailSide {
  const { config, clock, logger } = o;
  const smtp = smtpSettingsOf(config);
  const publicHost = config.publicAddress.includes(':') ? `[${config.publicAddress}]` : config.publicAddress;
  const mailer: VoicemailMailer | null =
    smtp === null
      ? null
      : new VoicemailMailer({ smtp, consoleUrl: config.consoleUrl ?? `http://${publicHost}:${config.httpPort}`, mailbox: (n) => voicemail.mailbox(n), audio: (m) => voicemail.files.readPlain(m.path), logger });
  const mailQueue: MailQueue | null =
    mailer === null
      ? null
      : new MailQueue({
          repository: new MailOutboxRepository({ db: o.db }),
          send: async (id) => {
            const message = await voicemail.message(id);
            return message === undefined ? 'nothing' : mailer.send(message);
          },
          clock,
          logger,
          retryScheduleMs: config.smtpRetryS,
          failed: (row) => o.audit.record({ actor: 'system', action: 'voicemail.mail-failed', target: row.mailbox, detail: { message: row.messageId, attempts: row.attempts, error: row.lastError } }),
        });
  const voicemail: VoicemailService = new VoicemailService({
    ...(mailQueue ? { newMessage: (m: VoicemailMessageRow) => void mailQueue.enqueue({ messageId: m.id, mailbox: m.mailbox }).catch((err: unknown) => logger.error({ mailbox: m.mailbox, err: String(err) }, 'voicemail e-mail not queued')) } : {}),
    repository: new VoicemailRepository({ db: o.db, now: () => clock.now() }),
    deleteRefusal: o.deleteRefusal,
    engine: { startRecording: (r) => o.startRecording(r) },
    vault: o.vault,
    dir: resolve(config.dataDir, 'voicemail'),
    clock,
    logger,
  });
  return { voicemail, mailer, mailQueue };
}
