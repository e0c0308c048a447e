// RFC 3261 §20.5: the methods the B2BUA supports in a call's dialogs, in every Allow it sends (the
// 2xx to the caller, the INVITE to the callee, the answer to OPTIONS in a dialog): one list. REFER:
// transfers (RFC 3515); NOTIFY: relayed, and the progress of a REFER.
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, PRACK, REFER, NOTIFY';

// RFC 3261 §20.37: the extensions the B2BUA supports: reliable provisionals (RFC 3262), session
// timers (RFC 4028) and Replaces (RFC 3891 §5: "SHOULD include the replaces tag"; invite-replaces.ts),
// in its INVITEs and 2xx responses and in the core's list (420 for others).
export const SUPPORTED_TAGS = ['100rel', 'timer', 'replaces'] as const;
export const SUPPORTED = SUPPORTED_TAGS.join(', ');
