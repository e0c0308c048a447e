// Transfers of an answered call's caller to another number: blind transfer by the callee's phone
// (RFC 3515 REFER, in-dialog-refer.ts) or by the API. The callee is let go (Call.detachCallee:
// the caller stays answered here and hears ringback, or music on hold when it was held), the target is resolved through the dial
// plan with the transferring party's permissions, and its steps run on the call as they would for
// a new call to that number. The transfer succeeded once the target answers and is bridged to the
// caller; when the target cannot be reached the plan ends and the caller gets BYE (the transferor
// was already let go: RFC 5589 §6 leaves recovery to it, and it was told of the failure).
import type { Logger } from '../sip/index.js';
import { CallState, type Call } from './call.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { HandlerOutcome } from './handlers/index.js';
import type { ResolvedStep } from './dialplan/resolver.js';
import type { Failure } from './outcome.js';

/** how a transfer ended, in SIP terms (the sipfrag a REFER's NOTIFY carries, RFC 3515 §2.4.5) */
export type TransferResult = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly reason: string };

export interface TransferRoutes {
  /** the target's steps from the dial plan, for a party with `permissions`; a failure when it resolves to none */
  resolve(o: { readonly target: string; readonly permissions: readonly string[] }): Promise<{ readonly steps: readonly ResolvedStep[] } | { readonly failure: Failure }>;
  /** runs `steps` on the call (runSteps with the call's INVITE); resolves with the last step's outcome */
  run(o: { readonly call: Call; readonly steps: readonly ResolvedStep[] }): Promise<HandlerOutcome | undefined>;
}

export interface TransferOptions {
  readonly call: Call;
  readonly target: string;
  /** whose dial plan permissions apply (the transferor's: a phone cannot reach more by transferring) */
  readonly permissions: readonly string[];
  /** who asked, for the record: 'callee' (REFER) or 'api' */
  readonly by: 'callee' | 'api';
  readonly routes: TransferRoutes;
  readonly logger: Logger;
  /** the callee's leg, once let go: the REFER's subscription still NOTIFYs in its dialog */
  readonly detached?: (leg: OutboundLeg) => void;
}

const REASONS: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 480: 'Temporarily Unavailable', 486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 500: 'Server Internal Error', 503: 'Service Unavailable' };
export const reasonOf = (status: number): string => REASONS[status] ?? 'Failed';
const failed = (status: number): TransferResult => ({ ok: false, status, reason: reasonOf(status) });

/** the call can be transferred now: answered and talking to a callee */
export const transferable = (call: Call): boolean => call.state === CallState.Answered || call.state === CallState.Bridged || call.state === CallState.Held;

export async function transferCall(o: TransferOptions): Promise<TransferResult> {
  const { call } = o;
  if (!transferable(call)) return failed(481);
  const resolved = await o.routes.resolve({ target: o.target, permissions: o.permissions });
  if ('failure' in resolved) return failed(resolved.failure.status);
  if (!transferable(call)) return failed(481);
  // a desk phone holds the call before it transfers it (or the API held it): the caller keeps
  // hearing music on hold, not ringback, until the target answers (CallConnect's bridge dial)
  const held = call.state === CallState.Held || call.partiesHolding.includes('callee');
  const detached = call.detachCallee();
  if (detached === undefined) return failed(481);
  call.waitWithMusic = held;
  if (detached.leg) o.detached?.(detached.leg);
  call.routed([{ number: o.target, entry: null, pattern: null, result: 'transferred', reason: `${o.by === 'api' ? 'the API' : `${call.callee}`} transferred the caller to ${o.target}` }]);
  o.logger.info({ call: call.id, target: o.target, by: o.by }, 'call transferred');
  call.events.emit('transfer', { target: o.target, by: o.by, result: 'started' });
  const result = await new Promise<TransferResult>((resolve) => {
    const offs: (() => void)[] = [];
    let settled = false;
    const settle = (result: TransferResult) => {
      if (settled) return;
      settled = true;
      offs.forEach((off) => off());
      resolve(result);
    };
    offs.push(call.on('media', (e) => e.kind === 'bridged' && settle({ ok: true })));
    // the steps end when the target could not be reached (failed), or with the call (killed); a
    // bridged target settled the transfer long before
    o.routes.run({ call, steps: resolved.steps }).then(
      (last) => settle(last?.kind === 'failed' ? failed(last.failure.status) : failed(last?.kind === 'killed' ? 487 : 480)),
      () => settle(failed(500)),
    );
  });
  call.waitWithMusic = false;
  call.events.emit('transfer', { target: o.target, by: o.by, ...(result.ok ? { result: 'completed' } : { result: 'failed', status: result.status }) });
  return result;
}
