// Requests in the caller's early dialog (RFC 3261 §12.1.1: our 1xx with a To tag made one), before
// the call is answered: PRACK for our reliable provisionals (RFC 3262 §3), UPDATE (RFC 3311 §5.2),
// BYE (RFC 3261 §15: the caller "MAY" end an early dialog so), OPTIONS.
import type { IncomingRequest } from '../sip/index.js';
import type { Call } from './call.js';
import { ALLOW } from './allow.js';

export function handleEarly(o: { readonly call: Call; readonly request: IncomingRequest }): void {
  const { call, request } = o;
  const method = request.message.method;
  if (method === 'ACK') return;
  switch (method) {
    case 'PRACK':
      // RFC 3262 §3: a PRACK matching an unacknowledged reliable provisional gets 2xx, others 481
      return request.reply({ status: call.inbound.prack(request.message) });
    case 'UPDATE':
      if (request.message.body.length > 0) {
        // RFC 3311 §5.2: an offer while the caller's INVITE offer is not yet answered by a final
        // response "MUST" get 500 with Retry-After (the early session is the callee's to change)
        return request.reply({ status: 500, headers: [{ name: 'Retry-After', value: '1' }] });
      }
      // RFC 3311 §5.2 / RFC 4028 §7.4: an UPDATE without SDP (a refresh) is answered 2xx as it stands
      return request.reply({ status: 200, headers: [{ name: 'Allow', value: ALLOW }] });
    case 'BYE':
      // RFC 3261 §15: a BYE ends the early dialog; the INVITE then gets 487 (as a CANCEL would)
      request.reply({ status: 200 });
      return call.cancelledByCaller();
    case 'OPTIONS':
      return request.reply({ status: 200, headers: [{ name: 'Allow', value: ALLOW }] });
    default:
      return request.reply({ status: 481 });
  }
}
