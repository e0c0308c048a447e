// One call: the caller's leg, the forked legs towards the callee's contacts, the media between
// them (CONVENTIONS.md §3: the Call owns everything under it and close() cascades).
//
//   Routing ──fork──▶ Ringing ──2xx──▶ Answered ──BYE / media timeout──▶ Ended
//      │                 │ all fail / no answer / CANCEL                   ▲
//      └─────────────────┴─────────────────────────────────────────────────┘
import { randomUUID } from 'node:crypto';
import type { SipResponse } from '../sip/index.js';
import type { CallMedia, Side } from './call-media.js';
import type { LocalMedia } from './local-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import { FAILURES, bestFailure, failureFromCallee, type Failure } from './outcome.js';
import { buildRecord, type CallEnd, type MediaFigures } from './record.js';
import type { CallDisposition, CallRecord, DtmfEvent, ExtensionProfile, HangupSide, RecordingFormat } from './types.js';
import type { Clock, Logger, TimerHandle } from '../sip/index.js';

export enum CallState {
  Routing = 'routing',
  Ringing = 'ringing',
  Answered = 'answered',
  Ended = 'ended',
}

const MOVES: Record<CallState, readonly CallState[]> = {
  // Routing → Answered: a call Hailing answers itself (conference, monitoring)
  [CallState.Routing]: [CallState.Ringing, CallState.Answered, CallState.Ended],
  [CallState.Ringing]: [CallState.Answered, CallState.Ended],
  [CallState.Answered]: [CallState.Ended],
  [CallState.Ended]: [],
};

export interface CallHooks {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly noAnswerTimeoutMs: number;
  /** observer events (records, WebSocket, metrics); never steer the call */
  readonly emit: (event: 'newcall' | 'ringing' | 'answered' | 'hangup', record: CallRecord) => void;
  /** a digit one party sent (any method); observers only */
  readonly dtmf: (event: DtmfEvent) => void;
  /** dialogs of this call's legs join and leave the index that routes in-dialog requests */
  readonly index: { add(key: string, call: Call): void; remove(key: string): void };
  readonly closed: (call: Call) => void;
}

export class Call {
  readonly id = randomUUID();
  readonly caller: ExtensionProfile;
  readonly callee: string;
  readonly inbound: InboundLeg;
  readonly startedAt: number;
  readonly #hooks: CallHooks;
  readonly #forks: OutboundLeg[] = [];
  readonly #failures: { status: number; reason?: string }[] = [];
  #winner: OutboundLeg | undefined;
  #media: CallMedia | LocalMedia | undefined;
  #state = CallState.Routing;
  #noAnswer: TimerHandle | undefined;
  #end: CallEnd | undefined;
  #codec: string | null = null;
  #closing: Promise<void> | undefined;
  #ringingEmitted = false;
  /** the recording being made (path relative to the recordings folder), so every record names it */
  #recording: { readonly path: string; readonly format: RecordingFormat } | undefined;
  /** a re-INVITE or UPDATE with SDP being relayed: a second one meets 491 (RFC 3261 §14.2) */
  offerPending = false;

  constructor(options: { readonly caller: ExtensionProfile; readonly callee: string; readonly inbound: InboundLeg; readonly hooks: CallHooks }) {
    this.caller = options.caller;
    this.callee = options.callee;
    this.inbound = options.inbound;
    this.#hooks = options.hooks;
    this.startedAt = this.inbound.startedAt;
    this.#emit('newcall');
  }

  get state(): CallState {
    return this.#state;
  }

  get media(): CallMedia | LocalMedia | undefined {
    return this.#media;
  }

  get winner(): OutboundLeg | undefined {
    return this.#winner;
  }

  /** the leg on the other side of `side`, once answered */
  legOf(side: Side): InboundLeg | OutboundLeg | undefined {
    return side === 'caller' ? this.inbound : this.#winner;
  }

  set codec(codec: string | null) {
    if (codec) this.#codec = codec;
  }

  #transition(to: CallState): boolean {
    if (!MOVES[this.#state].includes(to)) return false;
    this.#state = to;
    return true;
  }

  #emit(event: 'newcall' | 'ringing' | 'answered' | 'hangup'): void {
    this.#hooks.emit(event, this.record());
  }

  /**
   * A recording of this call began: from now on its record names the file (the duration and pauses
   * come when it ends), so a record closed as INTERRUPTED after a crash still leads to it.
   */
  recordingStarted(recording: { readonly path: string; readonly format: RecordingFormat }): void {
    this.#recording = recording;
  }

  record(stats?: MediaFigures): CallRecord {
    const record = buildRecord({
      id: this.id,
      caller: this.caller,
      callee: this.callee,
      startedAt: this.startedAt,
      inbound: this.inbound,
      forks: this.#forks,
      winner: this.#winner,
      codec: this.#codec,
      end: this.#end,
      ...(stats ? { stats } : {}),
    });
    return this.#recording === undefined ? record : { ...record, recordingPath: this.#recording.path, recordingFormat: this.#recording.format };
  }

  /** Ring every contact at once (the fork); the first 2xx wins (RFC 3261 §16.7 for a B2BUA). */
  ring(media: CallMedia, forks: readonly OutboundLeg[]): void {
    this.#media = media;
    if (!this.#transition(CallState.Ringing)) return;
    this.#noAnswer = this.#hooks.clock.setTimeout(() => this.#fail(FAILURES.noAnswer, 'system'), this.#hooks.noAnswerTimeoutMs);
    for (const leg of forks) {
      this.#forks.push(leg);
      leg
        .start((r) => this.#provisional(leg, r))
        .then((r) => this.#final(leg, r))
        .catch((err: unknown) => {
          this.#hooks.logger.error({ call: this.id, err: String(err) }, 'outbound leg failed');
          this.#final(leg, undefined);
        });
    }
  }

  #provisional(leg: OutboundLeg, response: SipResponse): void {
    if (this.#state !== CallState.Ringing || !leg.wanted || response.status === 100) return;
    let body: Uint8Array | undefined;
    if (response.body.length > 0 && this.#media) {
      // RFC 3261 §13.2.1 / RFC 3960: early media, relayed like an answer
      const relayed = this.#media.relay('callee', response.body, 'answer');
      if (relayed.ok) body = relayed.body;
    }
    const first = !this.#ringingEmitted;
    this.#ringingEmitted = true;
    this.inbound.progress(response.status, response.reason, body);
    if (first) this.#emit('ringing');
  }

  #final(leg: OutboundLeg, response: SipResponse | undefined): void {
    const status = response?.status ?? 500;
    if (status >= 200 && status < 300 && response) {
      if (this.#state !== CallState.Ringing || !leg.wanted) return; // the leg ends itself with BYE
      this.#answer(leg, response);
      return;
    }
    if (leg.wanted) this.#failures.push({ status, ...(response?.reason ? { reason: response.reason } : {}) });
    const open = this.#forks.some((f) => f.wanted && f.sipStatus === null);
    if (this.#state !== CallState.Ringing || open) return;
    const best = bestFailure(this.#failures);
    this.#fail(best ? failureFromCallee(best.status, best.reason) : FAILURES.unavailable, 'callee');
  }

  #answer(leg: OutboundLeg, response: SipResponse): void {
    const media = this.#media;
    const relayed = response.body.length > 0 && media ? media.relay('callee', response.body, 'answer') : undefined;
    if (!relayed?.ok) {
      // RFC 3264 §6: an answer we cannot use; the callee's dialog is ended, the caller told 488
      void leg.bye();
      this.#fail(FAILURES.notAcceptable, 'system');
      return;
    }
    this.#winner = leg;
    this.codec = relayed.codec;
    for (const other of this.#forks) if (other !== leg) other.cancel();
    if (!this.inbound.answer(relayed.body, () => void this.hangup('system', 'ack-timeout'))) return;
    this.#transition(CallState.Answered);
    this.#clearNoAnswer();
    for (const l of [this.inbound, leg]) if (l.dialogKey) this.#hooks.index.add(l.dialogKey, this);
    media?.watch(relayed.direction === 'sendrecv');
    this.#emit('answered');
  }

  /** Hailing answers the caller itself (a conference room, monitoring): no fork, no callee leg. */
  answerHere(media: LocalMedia, body: Uint8Array): boolean {
    if (this.#state !== CallState.Routing) return false;
    this.#media = media;
    if (!this.inbound.answer(body, () => void this.hangup('system', 'ack-timeout'))) return false;
    this.#transition(CallState.Answered);
    this.#clearNoAnswer();
    if (this.inbound.dialogKey) this.#hooks.index.add(this.inbound.dialogKey, this);
    media.watch(true);
    this.#emit('answered');
    return true;
  }

  /** A digit from one party, from the media engine (RFC 4733, in-band) or an INFO request. */
  dtmf(side: Side, digit: string, durationMs: number, method: DtmfEvent['method']): void {
    this.#hooks.dtmf({ callId: this.id, caller: this.caller.number, callee: this.callee, leg: side, digit, durationMs, method });
  }

  /** The caller's CANCEL (RFC 3261 §9.2): the forks are cancelled, the caller gets 487. */
  cancelledByCaller(): void {
    this.#fail(FAILURES.cancelled, 'caller');
  }

  /** Ends a call that was never answered, with `failure` to the caller. */
  fail(failure: Failure): void {
    this.#fail(failure, 'system');
  }

  #fail(failure: Failure, by: HangupSide): void {
    if (this.#state === CallState.Answered || this.#state === CallState.Ended) return;
    for (const leg of this.#forks) leg.cancel();
    this.inbound.fail(failure.status, failure.reason);
    void this.#close({ disposition: failure.disposition, cause: failure.cause, status: failure.status, by });
  }

  /** An answered call ends: BYE to every established leg that did not send one. */
  hangup(by: HangupSide, cause: string): Promise<void> {
    if (this.#state !== CallState.Answered) return this.#closing ?? Promise.resolve();
    const byeTo = [by === 'caller' ? undefined : this.inbound, by === 'callee' ? undefined : this.#winner];
    for (const leg of byeTo) if (leg) void leg.bye();
    return this.#close({ disposition: 'ANSWERED', cause, status: 200, by });
  }

  /** Idempotent cascade: timers, legs, dialogs, media; then the record goes out with its media figures. */
  #close(end: { disposition: CallDisposition; cause: string; status: number; by: HangupSide }): Promise<void> {
    if (!this.#transition(CallState.Ended)) return this.#closing ?? Promise.resolve();
    const now = this.#hooks.clock.now();
    this.#end = { ...end, at: now };
    this.#clearNoAnswer();
    this.#closing = (async () => {
      for (const leg of [this.inbound, ...this.#forks]) {
        if (leg.endedAt === null) leg.endedAt = now;
        if (leg.dialogKey) this.#hooks.index.remove(leg.dialogKey);
        // let an in-flight BYE go out before the leg's timers are dropped
        setImmediate(() => leg.release());
      }
      const stats = await this.#media?.close().catch(() => undefined);
      this.#hooks.emit('hangup', this.record(stats));
      this.#hooks.closed(this);
    })();
    return this.#closing;
  }

  #clearNoAnswer(): void {
    if (this.#noAnswer !== undefined) this.#hooks.clock.clearTimeout(this.#noAnswer);
    this.#noAnswer = undefined;
  }
}
