// A local SMTP relay for tests: smtp-server (an SMTP implementation that is not ours) with AUTH
// over plain TCP on loopback (Hailing's HAILING_SMTP_TLS=none), keeping every message it accepts.
import { SMTPServer } from 'smtp-server';
import { freePort } from './ports.js';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

export interface SmtpRelay {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** the user names Hailing authenticated with, in order */
  readonly auths: string[];
  /** the HAILING_SMTP_* settings for this relay */
  env(from: string): Record<string, string>;
  close(): Promise<void>;
}

/** `port`: a given one (a relay brought back up where Hailing expects it); default a free one */
export async function startSmtpRelay(o: { readonly user: string; readonly password: string; readonly port?: number }): Promise<SmtpRelay> {
  const port = o.port ?? (await freePort());
  const mails: ReceivedMail[] = [];
  const auths: string[] = [];
  const smtp = new SMTPServer({
    allowInsecureAuth: true,
    authOptional: false,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      auths.push(auth.username ?? '');
      if (auth.username === o.user && auth.password === o.password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('latin1') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  return {
    port,
    mails,
    auths,
    env: (from) => ({ HAILING_SMTP_HOST: '127.0.0.1', HAILING_SMTP_PORT: String(port), HAILING_SMTP_TLS: 'none', HAILING_SMTP_FROM: from, HAILING_SMTP_USER: o.user, HAILING_SMTP_PASSWORD: o.password }),
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}
