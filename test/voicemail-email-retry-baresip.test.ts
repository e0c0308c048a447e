// Acceptance (issue 12): a voicemail e-mail the relay does not take is kept and retried. The relay
// is smtp-server (test/helpers/smtp-relay.ts, not ours). First it is down: baresip 1001 (400 Hz)
// leaves a message in 1002's mailbox, the mail is queued (the System screen's count: 1 pending),
// Hailing restarts on the same data, the relay comes up on its port and the mail arrives once.
// Then Hailing runs with a password the relay refuses and a retry schedule of 1 s, 1 s: the relay
// sees exactly three tries, after which the mail counts as failed and is audited without the
// password. The retry schedule is HAILING_SMTP_RETRY_S, short here so that nothing waits minutes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createClient } from '@libsql/client';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { freePort } from './helpers/ports.js';
import { startSmtpRelay, type SmtpRelay } from './helpers/smtp-relay.js';

const DOMAIN = '127.0.0.1';
const SMTP_USER = 'pbx-relay';
const SMTP_PASSWORD = 'relay-secret-4b1e9d';
const WRONG_PASSWORD = 'not-the-relay-secret-77c2';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** 20 retries 3 s apart (the most the setting takes): a minute for the restart and the relay to come up */
const PATIENT = Array.from({ length: 20 }, () => '3').join(',');
type Queue = { pending: number; failed: number } | null;

describe('voicemail e-mail retried after the relay was down, across a restart; bounded tries', () => {
  let server: HailingProcess;
  let relay: SmtpRelay | undefined;
  let smtpPort: number;
  const phones: Phone[] = [];
  const env = (password: string, retryS: string): Record<string, string> => ({
    HAILING_SMTP_HOST: '127.0.0.1',
    HAILING_SMTP_PORT: String(smtpPort),
    HAILING_SMTP_TLS: 'none',
    HAILING_SMTP_FROM: 'pbx@example.test',
    HAILING_SMTP_USER: SMTP_USER,
    HAILING_SMTP_PASSWORD: password,
    HAILING_SMTP_RETRY_S: retryS,
  });
  const queue = async () => (await server.api<{ queue: Queue }>('GET', '/api/v1/system/mail')).body.queue;
  const until = async <T>(what: string, probe: () => Promise<T | undefined | false>, ms = 30_000): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(200);
    }
  };
  /**
   * 1001 calls 1002 (no phone registered: its mailbox at once) and leaves a few seconds of 400 Hz
   * after the spoken default greeting (about 8.5 s with flite) and the beep
   */
  const leaveMessage = async () => {
    const caller = await registeredPhone({ user: '1001', password: 'secret-1001', domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: 400, answerMode: 'auto' }, phones);
    await caller.dial(`sip:1002@${DOMAIN}`);
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(15_000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    await caller.stop();
  };

  before(async () => {
    // nothing listens on the relay's port yet: every try is refused at connect
    smtpPort = await freePort();
    server = await startHailing({ env: env(SMTP_PASSWORD, PATIENT) });
    for (const n of ['1001', '1002']) assert.equal((await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` })).status, 201);
    assert.equal((await server.api('PUT', '/api/v1/extensions/1002/mailbox', { pin: '4321', maxMessageS: 30, email: 'ann@example.test' })).status, 200);
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill('SIGKILL');
    await relay?.close();
  });

  it('with the relay down the mail is queued; after a restart and the relay coming up it arrives once', { timeout: 180_000 }, async () => {
    assert.deepEqual(await queue(), { pending: 0, failed: 0 });
    await leaveMessage();
    await until('the mail queued', async () => (await queue())?.pending === 1);
    assert.match(server.output(), /queued for a retry/);
    // the row is in the database: a restart does not lose it
    assert.equal(await server.kill('SIGTERM'), 0);
    server = await startHailing({ env: env(SMTP_PASSWORD, PATIENT), dataDir: server.dataDir, ports: server.ports });
    assert.equal((await queue())?.pending, 1, 'still queued after the restart');
    relay = await startSmtpRelay({ user: SMTP_USER, password: SMTP_PASSWORD, port: smtpPort });
    const mails = relay.mails;
    await until('the mail at the relay', async () => mails.length > 0);
    assert.deepEqual(mails[0]!.to, ['ann@example.test']);
    assert.match(mails[0]!.raw, /New voicemail in mailbox 1002/);
    await until('the queue empty', async () => (await queue())?.pending === 0);
    // a further retry would have come 3 s later: nothing more arrives
    await sleep(5_000);
    assert.equal(mails.length, 1, 'delivered once');
    assert.equal((await queue())?.failed, 0);
    assert.ok(!server.output().includes(SMTP_PASSWORD), "the relay's password is not in Hailing's log");
  });

  it('a relay that refuses every try sees three (the first and two retries); the mail then counts as failed and is audited', { timeout: 180_000 }, async () => {
    assert.equal(await server.kill('SIGTERM'), 0);
    server = await startHailing({ env: env(WRONG_PASSWORD, '1,1'), dataDir: server.dataDir, ports: server.ports });
    const auths = relay!.auths;
    const before = auths.length;
    await leaveMessage();
    await until('the mail failed', async () => (await queue())?.failed === 1);
    assert.equal((await queue())?.pending, 0);
    await sleep(3_000);
    assert.equal(auths.length - before, 3, `tries the relay saw: ${auths.length - before}`);
    assert.equal(relay!.mails.length, 1, 'no new mail was taken');
    assert.equal(await server.kill('SIGTERM'), 0);
    const db = createClient({ url: `file:${path.join(server.dataDir, 'hailing.db')}` });
    try {
      const rows = (await db.execute("SELECT target, detail FROM audit_log WHERE action = 'voicemail.mail-failed'")).rows;
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!['target'], '1002');
      const detail = JSON.parse(String(rows[0]!['detail'])) as { attempts: number; error: string };
      assert.equal(detail.attempts, 3);
      assert.ok(detail.error.length > 0);
      assert.ok(!JSON.stringify(rows).includes(WRONG_PASSWORD), 'the audit row holds no password');
    } finally {
      db.close();
    }
    assert.ok(!server.output().includes(WRONG_PASSWORD), "the relay's password is not in Hailing's log");
  });
});
