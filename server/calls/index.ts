// The call-control module's public surface for server/app.
export { createCallControl } from './call-control.js';
export type { CallControl } from './call-control.js';
export type { Call } from './call.js';
export { CallObserver, type CallChange } from './observer.js';
export type { LiveCallView, ControlResult } from './live-calls.js';
export { recordingDurationMs, wavDurationMs, oggOpusDurationMs } from './recording-file.js';
export type * from './types.js';
export * from './dialplan/index.js';
export type { OutboundDialer } from './handlers/route.js';
export type { CallLine, CallLines, LineListener } from './lines.js';
export { ConferenceSettings, type ConferenceRoomView, type ConferenceRoomWrite, type SettingsResult } from './conference-settings.js';
