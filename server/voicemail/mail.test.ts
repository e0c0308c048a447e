// The voicemail notification mail (PIPL minimisation: a link that needs a sign-in, audio only on request).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { messageMail, smtpSettingsOf } from './mail.js';

const mailbox = { number: '1002', enabled: true, pinHash: null, greetingPath: null, busyGreetingPath: null, temporaryGreetingPath: null, maxMessageS: 120, email: 'ann@example.test', emailAttachAudio: false, updatedAt: 0 };
const message = { id: 'm-1', mailbox: '1002', caller: '1001', callerName: 'Bob', callId: 'c1', createdAt: Date.UTC(2026, 11, 7, 9, 30, 0), durationMs: 4_400, path: '1002/m-1.wav', readAt: null };

describe('voicemail e-mail', () => {
  it('names the caller, time and duration, and links to the console without any credential; no attachment by default', () => {
    const mail = messageMail({ mailbox, message, consoleUrl: 'https://pbx.example.test/' });
    assert.equal(mail.to, 'ann@example.test');
    assert.equal(mail.subject, 'New voicemail from Bob <1001> (4 s)');
    assert.match(mail.text, /From: Bob <1001>/);
    assert.match(mail.text, /Time: 2026-12-07T09:30:00\.000Z/);
    assert.match(mail.text, /Duration: 4 s/);
    assert.match(mail.text, /Listen \(sign-in required\): https:\/\/pbx\.example\.test\/voicemail\?mailbox=1002&message=m-1\r\n/);
    assert.deepEqual(mail.attachments, []);
  });

  it('attaches the audio as audio/wav when given it', () => {
    const audio = Buffer.from('RIFF....WAVE');
    const mail = messageMail({ mailbox: { ...mailbox, emailAttachAudio: true }, message, consoleUrl: 'http://127.0.0.1:8080', audio });
    assert.deepEqual(mail.attachments, [{ filename: 'voicemail-m-1.wav', contentType: 'audio/wav', content: audio }]);
  });

  it('no relay configured: no settings; a user without its password is dropped', () => {
    assert.equal(smtpSettingsOf({ smtpPort: 587, smtpTls: 'starttls' }), null);
    assert.deepEqual(smtpSettingsOf({ smtpHost: 'mx', smtpPort: 25, smtpTls: 'none', smtpFrom: 'pbx@x.test', smtpUser: 'u' }), { host: 'mx', port: 25, tls: 'none', from: 'pbx@x.test' });
  });
});
