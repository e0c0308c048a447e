// RFC 3261 §20.5: the methods the B2BUA supports in a call's dialogs, in every Allow it sends (the
// 2xx to the caller, the INVITE to the callee, the answer to OPTIONS in a dialog): one list. REFER:
// transfers (RFC 3515); NOTIFY: relayed, and the progress of a REFER.
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY';
