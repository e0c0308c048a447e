// Dialogs (RFC 3261 §12) and the UAS core's 2xx retransmission (§13.3.1.4).
export { Dialog, uasDialog, uacDialog, tagOf } from './dialog.js';
export type { DialogInit, InDialogRequestOptions } from './dialog.js';
export { retransmitUntilAck } from './retransmit.js';
export type { RetransmitOptions } from './retransmit.js';
// reliable provisional responses (RFC 3262) and session timers (RFC 4028)
export { ReliableProvisionals, reliability, optionTags, parseRAck, cseqNumber } from './reliable.js';
export type { ReliableProvisionalsOptions } from './reliable.js';
export { SessionTimer, negotiateRequest, requestHeaders, readResponse, parseSessionExpires, parseMinSe, expiryMarginS } from './session-timer.js';
export type { Refresher, SessionExpires, SessionTimerPolicy, RequestNegotiation, SessionTimerOptions } from './session-timer.js';
