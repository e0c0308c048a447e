// Presence and lamps (BLF, MWI): the public surface for server/app.
export { Presence } from './service.js';
export type { PresenceOptions } from './service.js';
export { dialogInfoXml } from './dialog-info.js';
export type { DialogEntry, DialogState } from './dialog-info.js';
export { messageSummary } from './message-summary.js';
export type { MailboxCounts } from './message-summary.js';
