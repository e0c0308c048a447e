// E-mail about a new voicemail message (Asterisk's voicemail.conf "attach", minimised for PIPL):
// the mailbox's address is told who called, when and for how long, with a link to the console,
// which asks for a sign-in; the audio itself is attached only when the mailbox asks for it
// (emailAttachAudio). Sent through the configured SMTP relay with nodemailer; the relay's password
// is never logged (the transport's own logger is off and failures are logged by message only). A
// mail the relay did not take is retried by the mail queue (mail-queue.ts).
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from '../sip/index.js';
import type { MailboxRow, VoicemailMessageRow } from '../store/index.js';
import type { SendResult } from './mail-queue.js';

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  readonly tls: 'starttls' | 'implicit' | 'none';
  readonly from: string;
  readonly user?: string;
  readonly password?: string;
}

export interface MessageMail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly attachments: readonly { readonly filename: string; readonly contentType: string; readonly content: Buffer }[];
}

/** the relay from the configuration; null when none is configured (no e-mail is sent) */
export function smtpSettingsOf(c: { readonly smtpHost?: string | undefined; readonly smtpPort: number; readonly smtpTls: SmtpSettings['tls']; readonly smtpFrom?: string | undefined; readonly smtpUser?: string | undefined; readonly smtpPassword?: string | undefined }): SmtpSettings | null {
  if (c.smtpHost === undefined || c.smtpFrom === undefined) return null;
  return { host: c.smtpHost, port: c.smtpPort, tls: c.smtpTls, from: c.smtpFrom, ...(c.smtpUser !== undefined && c.smtpPassword !== undefined ? { user: c.smtpUser, password: c.smtpPassword } : {}) };
}

const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

/** the mail for `message` in `mailbox`; the audio is passed only when the mailbox attaches it */
export function messageMail(o: { readonly mailbox: MailboxRow & { readonly email: string }; readonly message: VoicemailMessageRow; readonly consoleUrl: string; readonly audio?: Buffer }): MessageMail {
  const { message } = o;
  const caller = message.callerName ? `${message.callerName} <${message.caller}>` : message.caller;
  const when = new Date(message.createdAt).toISOString();
  const link = `${o.consoleUrl.replace(/\/+$/, '')}/voicemail?mailbox=${encodeURIComponent(message.mailbox)}&message=${encodeURIComponent(message.id)}`;
  const text = [
    `New voicemail in mailbox ${message.mailbox}`,
    '',
    `From: ${caller}`,
    `Time: ${when}`,
    `Duration: ${seconds(message.durationMs)} s`,
    '',
    // the link carries no credential: the console asks for a sign-in first
    `Listen (sign-in required): ${link}`,
    '',
  ].join('\r\n');
  return {
    to: o.mailbox.email,
    subject: `New voicemail from ${caller} (${seconds(message.durationMs)} s)`,
    text,
    attachments: o.audio === undefined ? [] : [{ filename: `voicemail-${message.id}.wav`, contentType: 'audio/wav', content: o.audio }],
  };
}

export interface MailerOptions {
  readonly smtp: SmtpSettings;
  /** the console's address as users reach it (links in mails) */
  readonly consoleUrl: string;
  readonly mailbox: (number: string) => Promise<MailboxRow | undefined>;
  /** the message's audio as a plain WAV (decrypted), null when it cannot be read */
  readonly audio: (message: VoicemailMessageRow) => Promise<Buffer | null>;
  readonly logger: Logger;
}

export class VoicemailMailer {
  readonly #o: MailerOptions;
  readonly #transport: Transporter;

  constructor(o: MailerOptions) {
    this.#o = o;
    const { smtp } = o;
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.tls === 'implicit',
      requireTLS: smtp.tls === 'starttls',
      ignoreTLS: smtp.tls === 'none',
      ...(smtp.user !== undefined && smtp.password !== undefined ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
      logger: false,
      debug: false,
    });
  }

  /**
   * Mails the mailbox's owner about `message`: 'nothing' when the mailbox has no address; a refusal
   * or a connection error throws (the mail queue retries it), its message only.
   */
  async send(message: VoicemailMessageRow): Promise<SendResult> {
    const mailbox = await this.#o.mailbox(message.mailbox);
    const email = mailbox?.email;
    if (mailbox === undefined || !email) return 'nothing';
    const audio = mailbox.emailAttachAudio ? await this.#o.audio(message) : null;
    const mail = messageMail({ mailbox: { ...mailbox, email }, message, consoleUrl: this.#o.consoleUrl, ...(audio !== null ? { audio } : {}) });
    try {
      await this.#transport.sendMail({ from: this.#o.smtp.from, to: mail.to, subject: mail.subject, text: mail.text, attachments: [...mail.attachments] });
    } catch (err) {
      // the message only: a transport error object may carry its options
      throw new Error(err instanceof Error ? err.message : 'unknown');
    }
    this.#o.logger.info({ mailbox: message.mailbox, message: message.id, attached: mail.attachments.length > 0 }, 'voicemail e-mail sent');
    return 'sent';
  }

  /** the relay's settings an admin may see (never the password) */
  settings(): { host: string; port: number; tls: SmtpSettings['tls']; from: string; user: string | null } {
    const { host, port, tls, from, user } = this.#o.smtp;
    return { host, port, tls, from, user: user ?? null };
  }

  /** a test message to `to` (the console's "send a test e-mail"): the relay's answer, or why it refused */
  async sendTest(to: string, by: string): Promise<{ readonly ok: true; readonly response: string } | { readonly ok: false; readonly detail: string }> {
    try {
      const info = (await this.#transport.sendMail({
        from: this.#o.smtp.from,
        to,
        subject: 'Hailing test e-mail',
        text: `This is a test message sent by ${by} from the Hailing console (${this.#o.consoleUrl}).\r\nVoicemail notifications will come from this address.\r\n`,
      })) as { response?: unknown };
      return { ok: true, response: typeof info.response === 'string' ? info.response : '' };
    } catch (err) {
      return { ok: false, detail: err instanceof Error ? err.message : 'unknown' };
    }
  }

  close(): void {
    this.#transport.close();
  }
}
