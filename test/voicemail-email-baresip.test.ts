// Acceptance (issue 12): voicemail e-mail through a real SMTP peer. The test runs smtp-server (an
// independent SMTP implementation) with AUTH; Hailing is configured for it. baresip 1001 (400 Hz)
// calls 1002, which has no phone registered, and leaves a message. The mail reaches 1002's address
// with the caller, the time, the duration and a console link that carries no credential, and no
// attachment; once the mailbox asks for the audio, the next mail carries it as audio/wav, which
// decodes as a WAV with the caller's 400 Hz (sox). The relay's password is never in Hailing's log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { startSmtpRelay, type ReceivedMail, type SmtpRelay } from './helpers/smtp-relay.js';
import { assertTone } from './helpers/audio.js';

const DOMAIN = '127.0.0.1';
const SMTP_USER = 'pbx-relay';
const SMTP_PASSWORD = 'relay-secret-9f3a7c';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


interface MimePart {
  readonly headers: string;
  readonly body: Buffer;
}

/** RFC 2045/2046: the leaf parts of a message, each body decoded (base64, quoted-printable, 7bit) */
function parts(raw: string): MimePart[] {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const boundary = /content-type:\s*multipart\/[^\r\n]*boundary="?([^";\r\n]+)"?/i.exec(headers)?.[1];
  if (boundary !== undefined) {
    return body
      .split(`--${boundary}`)
      .slice(1)
      .filter((p) => !p.startsWith('--'))
      .flatMap((p) => parts(p.replace(/^\r\n/, '')));
  }
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return [{ headers, body: Buffer.from(body.replace(/\s+/g, ''), 'base64') }];
  if (encoding === 'quoted-printable') return [{ headers, body: Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1') }];
  return [{ headers, body: Buffer.from(body, 'latin1') }];
}

describe('voicemail e-mail through a local SMTP server, with baresip', () => {
  let rig: ExtensionPhones;
  let relay: SmtpRelay;
  const work = mkdtempSync(path.join(tmpdir(), 'hailing-vm-mail-'));

  before(async () => {
    relay = await startSmtpRelay({ user: SMTP_USER, password: SMTP_PASSWORD });
    rig = await startExtensionPhones(['1001', '1002'], { ...relay.env('pbx@example.test'), HAILING_LOG_LEVEL: 'debug' });
    const box = await rig.server.api<Record<string, unknown>>('PUT', '/api/v1/extensions/1002/mailbox', { pin: '4321', maxMessageS: 30, email: 'ann@example.test' });
    assert.equal(box.status, 200, JSON.stringify(box.body));
    assert.equal(box.body['emailAttachAudio'], false, 'no audio by default');
  });

  after(async () => {
    await rig?.close();
    await relay?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** 1001 leaves a message of a few seconds in 1002's mailbox (no phone of 1002 is registered) and the mail arrives */
  async function leaveMessage(): Promise<ReceivedMail> {
    const before = relay.mails.length;
    const caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await caller.dial(`sip:1002@${DOMAIN}`);
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the spoken default greeting, the beep, then about 5 s of 400 Hz
    await sleep(12_000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    await caller.stop();
    for (let i = 0; i < 150 && relay.mails.length === before; i++) await sleep(200);
    const mail = relay.mails[before];
    assert.ok(mail, 'a mail reached the SMTP server');
    return mail;
  }

  it('the mail names the caller, time and duration with a sign-in link and no audio; with emailAttachAudio the WAV is attached', { timeout: 240_000 }, async () => {
    const first = await leaveMessage();
    assert.equal(first.from, 'pbx@example.test');
    assert.deepEqual(first.to, ['ann@example.test']);
    assert.deepEqual(relay.auths, [SMTP_USER], 'Hailing authenticated to the relay');
    const list = await rig.server.api<{ items: { id: string; durationMs: number }[] }>('GET', '/api/v1/extensions/1002/mailbox/messages');
    const message = list.body.items[0]!;
    const firstParts = parts(first.raw);
    const text = firstParts.find((p) => /content-type:\s*text\/plain/i.test(p.headers))?.body.toString('utf8') ?? '';
    assert.match(text, /From: Phone 1001 <1001>/);
    assert.match(text, /Time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z/);
    assert.match(text, new RegExp(`Duration: ${Math.max(1, Math.round(message.durationMs / 1000))} s`));
    const link = /Listen \(sign-in required\): (\S+)/.exec(text)?.[1];
    assert.equal(link, `http://127.0.0.1:${new URL(rig.server.baseUrl).port}/voicemail?mailbox=1002&message=${message.id}`);
    assert.ok(!/token|session|auth/i.test(link), 'the link carries no credential');
    assert.equal(firstParts.filter((p) => /content-disposition:\s*attachment|audio\//i.test(p.headers)).length, 0, 'no attachment by default (PIPL minimisation)');

    assert.equal((await rig.server.api('PUT', '/api/v1/extensions/1002/mailbox', { emailAttachAudio: true })).status, 200);
    const second = await leaveMessage();
    const attached = parts(second.raw).filter((p) => /content-type:\s*audio\/wav/i.test(p.headers));
    assert.equal(attached.length, 1, 'one audio/wav attachment');
    const wav = attached[0]!.body;
    assert.equal(wav.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal(wav.subarray(8, 12).toString('latin1'), 'WAVE');
    const file = path.join(work, 'attached.wav');
    writeFileSync(file, wav);
    await assertTone({ file, hz: 400, minLengthS: 2 });

    assert.ok(!rig.server.output().includes(SMTP_PASSWORD), "the relay's password is not in Hailing's log");
    assert.match(rig.server.output(), /voicemail e-mail sent/);
  });
});
