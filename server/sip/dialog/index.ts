// Dialogs (RFC 3261 §12) and the UAS core's 2xx retransmission (§13.3.1.4).
export { Dialog, uasDialog, uacDialog, tagOf } from './dialog.js';
export type { DialogInit, InDialogRequestOptions } from './dialog.js';
export { retransmitUntilAck } from './retransmit.js';
export type { RetransmitOptions } from './retransmit.js';
