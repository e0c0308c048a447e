// The whole schema, as drizzle and drizzle-kit see it.
export * from './admin-users.js';
export * from './admin-sessions.js';
export * from './extensions.js';
export * from './registration-bindings.js';
export * from './audit-log.js';
export * from './call-records.js';
export * from './dial-plan.js';
export * from './call-handling.js';
export * from './heartbeats.js';
export * from './sip-bans.js';
export * from './retention.js';
export * from './calendars.js';
export * from './acd.js';
export * from './trunks.js';
export * from './voicemail.js';
export * from './ivr.js';
export * from './provisioning.js';
