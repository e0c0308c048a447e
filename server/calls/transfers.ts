// The transfers of calls in progress, for call control (call-control.ts): a REFER from a callee's
// phone (in-dialog-refer.ts) or the API moves the caller to another number through the dial plan
// (call-transfer.ts). Transferors that were let go keep their dialog here until they hang up: their
// BYE is answered 200 although the call has moved on to the target. A REFER with Replaces joins
// the transferor's two calls instead (attended-transfer.ts).
import type { IncomingRequest, Logger, Clock } from '../sip/index.js';
import type { MediaEngine } from '../../media/index.js';
import type { Leg } from './leg.js';
import { JoinedCalls, numberOn, type JoinOptions } from './attended-transfer.js';
import type { ReplacesId } from './replaces.js';
import type { Call } from './call.js';
import type { Side } from './call-media.js';
import { transferCall, type TransferResult, type TransferRoutes } from './call-transfer.js';
import { handleRefer } from './in-dialog-refer.js';

export interface CallTransfersOptions {
  readonly routes: TransferRoutes;
  /** an extension's dial plan permissions (the transferor's); undefined when it is not one */
  readonly permissionsOf: (number: string) => Promise<readonly string[] | undefined>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** the call and side of a dialog Replaces names (RFC 3891 §3), when Hailing has it */
  readonly dialogOf: (replaces: ReplacesId) => { readonly call: Call; readonly side: Side } | undefined;
  /** a dialog leaves the index of calls' dialogs (a departing transferor's) */
  readonly unindex: (key: string) => void;
  readonly engine: Pick<MediaEngine, 'createEndpoint'>;
  /** where the media engine's sockets answer from this host */
  readonly mediaAddress: string;
}

export class CallTransfers {
  readonly #o: CallTransfersOptions;
  /** dialog key → a transferor let go, until its BYE */
  readonly #departing = new Map<string, Leg>();
  /** calls joined by attended transfers */
  readonly joined = new JoinedCalls();

  constructor(o: CallTransfersOptions) {
    this.#o = o;
  }

  /** REFER in a call's dialog */
  refer(o: { readonly call: Call; readonly side: Side; readonly request: IncomingRequest; readonly contact: string }): Promise<void> {
    return handleRefer({
      ...o,
      clock: this.#o.clock,
      logger: this.#o.logger,
      departing: (leg) => this.#depart(leg),
      transfer: async ({ target, transferor, detached }) => {
        const permissions = (transferor !== undefined ? await this.#o.permissionsOf(transferor) : undefined) ?? o.call.caller.permissions;
        return transferCall({ call: o.call, target, permissions, by: 'callee', routes: this.#o.routes, logger: this.#o.logger, detached });
      },
      attended: async ({ replaces }) => {
        const replaced = this.#o.dialogOf(replaces);
        if (replaced === undefined) return { result: { ok: false, status: 481, reason: 'Call/Transaction Does Not Exist' }, legs: [] };
        return this.#join({ call: o.call, side: o.side }, replaced, o.side);
      },
    });
  }

  /** POST /api/v1/calls/:id/transfer: the caller goes to `target`, the callee gets BYE at once */
  api(o: { readonly call: Call; readonly target: string }): Promise<TransferResult> {
    return transferCall({ call: o.call, target: o.target, permissions: o.call.caller.permissions, by: 'api', routes: this.#o.routes, logger: this.#o.logger, detached: (leg) => void leg.bye() });
  }

  /**
   * POST /api/v1/calls/:id/join: the party the two calls have in common (the same number on one
   * side of each) is released at once (BYE on both its dialogs) and the other two talk.
   */
  async apiJoin(o: { readonly call: Call; readonly other: Call }): Promise<TransferResult> {
    const sides: readonly Side[] = ['caller', 'callee'];
    const common = sides.flatMap((s1) => sides.map((s2) => [s1, s2] as const)).find(([s1, s2]) => numberOn({ call: o.call, side: s1 }) === numberOn({ call: o.other, side: s2 }));
    if (common === undefined) return { ok: false, status: 409, reason: 'the two calls have no party in common' };
    const { result, legs } = await this.#join({ call: o.call, side: common[0] }, { call: o.other, side: common[1] }, 'api');
    for (const leg of legs) void leg.bye();
    return result;
  }

  /** joins two calls at the parties named (attended-transfer.ts); the legs that left are let go and returned */
  async #join(referred: JoinOptions['referred'], replaced: JoinOptions['replaced'], by: JoinOptions['by']): Promise<{ result: TransferResult; legs: Leg[] }> {
    const legs: Leg[] = [];
    const result = await this.joined.join({
      referred,
      replaced,
      by,
      engine: this.#o.engine,
      mediaAddress: this.#o.mediaAddress,
      logger: this.#o.logger,
      depart: (leg) => {
        legs.push(leg);
        this.letGo(leg);
      },
    });
    return { result, legs };
  }

  /** a dialog leaves its call for good (RFC 3891 §3: the one an INVITE with Replaces took over): its BYE is still answered */
  letGo(leg: Leg): void {
    if (leg.dialogKey !== undefined) this.#o.unindex(leg.dialogKey);
    this.#depart(leg);
  }

  /** the dialog Replaces names was let go here (RFC 3891 §3: 603 for a terminated dialog) */
  departed(r: ReplacesId): boolean {
    return this.#departing.has(`${r.callId}\n${r.toTag}`) || this.#departing.has(`${r.callId}\n${r.fromTag}`);
  }

  #depart(leg: Leg): void {
    const key = leg.dialogKey;
    if (key === undefined) return;
    this.#departing.set(key, leg);
    // a transferor that never hangs up is sent BYE (in-dialog-refer.ts): its dialog is then gone here too
    this.#o.clock.setTimeout(() => this.#departing.delete(key), 64_000);
  }

  /** a request in a let-go transferor's dialog: true when it was answered here */
  inDeparted(key: string, request: IncomingRequest): boolean {
    const leg = this.#departing.get(key);
    if (leg === undefined) return false;
    if (request.message.method === 'ACK') return true;
    if (!leg.accept(request)) return true;
    if (request.message.method === 'BYE') {
      this.#departing.delete(key);
      request.reply({ status: 200 });
      leg.release();
      return true;
    }
    // RFC 3261 §12.2.2: the session the dialog belonged to has moved on
    request.reply({ status: 481 });
    return true;
  }
}
