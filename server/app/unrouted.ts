// Out-of-dialog INVITEs before call routing exists. RFC 3261 §8.2.2.1: "If the Request-URI does
// not identify an address that the UAS is willing to accept requests for, it SHOULD reject the
// request with a 404 (Not Found)". Hailing accepts no calls until the B2BUA (server/calls) is
// registered ahead of this handler, so every new INVITE is answered 404 here rather than by the
// core's 405, which would contradict our own Allow header.
import type { IncomingRequest, RequestHandler } from '../sip/stack/types.js';
import { getHeader } from '../sip/message/headers.js';

const hasToTag = (request: IncomingRequest) => /;\s*tag\s*=/i.test(getHeader(request.message, 'To') ?? '');

export const unroutedInvite: RequestHandler = (request) => {
  // in-dialog requests (a To tag) are the core's: 481 for a dialog it does not know (§12.2.2)
  if (request.message.method !== 'INVITE' || hasToTag(request)) return false;
  request.reply({ status: 404, reason: 'Not Found' });
  return true;
};
