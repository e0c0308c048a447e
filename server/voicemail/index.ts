// Voicemail: mailboxes and messages (server/app composes it; the call layer sees it as VoicemailPort).
export { VoicemailService } from './service.js';
export type { VoicemailOptions, MailboxCounts } from './service.js';
export { VoicemailFiles, beepWav } from './files.js';
export { VoicemailMailer, messageMail, smtpSettingsOf } from './mail.js';
export { MailQueue, DEFAULT_RETRY_SCHEDULE_MS } from './mail-queue.js';
export type { MailQueueOptions, SendResult } from './mail-queue.js';
