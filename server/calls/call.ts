// One call, anchored here from admission until it ends: the caller's leg, the media facing the
// caller, whatever the call is connected to at the moment (the forks of a dial step, then the
// answering callee; or a room Hailing answers into) and the handler running on it
// (CONVENTIONS.md §3: the Call owns everything under it and close() cascades to the handler, the
// recorder and the media). The state diagram is in call-state.ts.
import { randomUUID } from 'node:crypto';
import type { Clock, Logger, SipResponse } from '../sip/index.js';
import type { CallMedia, Side } from './call-media.js';
import type { LocalMedia } from './local-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import { DialAttempt, type DialResult } from './dial-attempt.js';
import { FAILURES, type Failure } from './outcome.js';
import { buildRecord, type CallEnd, type MediaFigures } from './record.js';
import { CallEvents, type CallEventMap } from './call-events.js';
import { ANSWERED_STATES, CallState, MOVES } from './call-state.js';
import type { EndpointHandle, PlayItem } from '../../media/index.js';
import { CallPlayback, type PlayEnd } from './call-playback.js';

export { CallState } from './call-state.js';


/** what a dial step ends with when another phone picks the call up (the forks' CANCEL) */
const PICKED_UP: Failure = { status: 487, disposition: 'ANSWERED', cause: 'picked-up' };
import type { CallDisposition, CallRecord, CallRouting, DtmfEvent, ExtensionProfile, HangupSide, RecordingFormat } from './types.js';

export interface CallHooks {
  readonly clock: Clock;
  readonly logger: Logger;
  /** observer events (records, WebSocket, metrics); never steer the call */
  readonly emit: (event: 'newcall' | 'ringing' | 'answered' | 'hangup', record: CallRecord) => void;
  /** a digit one party sent (any method); observers only */
  readonly dtmf: (event: DtmfEvent) => void;
  /** dialogs of this call's legs join and leave the index that routes in-dialog requests */
  readonly index: { add(key: string, call: Call): void; remove(key: string): void };
  /** media endpoints of this call join and leave the index that routes the engine's events */
  readonly endpoints: { add(endpointId: string, call: Call): void; remove(endpointId: string): void };
  readonly closed: (call: Call) => void;
}

/** What a Call's close() ends with it: the running handler, a recording. */
export interface CallResource {
  close(reason: string, record: CallRecord): void;
}

export class Call {
  readonly id = randomUUID();
  readonly caller: ExtensionProfile;
  readonly callee: string;
  readonly inbound: InboundLeg;
  readonly startedAt: number;
  readonly events = new CallEvents();
  readonly #hooks: CallHooks;
  readonly #forks: OutboundLeg[] = [];
  readonly #resources = new Set<CallResource>();
  readonly #routing: { trace: unknown[]; handlers: string[] } = { trace: [], handlers: [] };
  #dial: DialAttempt | undefined;
  #winner: OutboundLeg | undefined;
  #media: CallMedia | LocalMedia | undefined;
  /** the caller's own endpoint after answer(): kept for the rest of the call, whatever it is bridged to */
  #local: LocalMedia | undefined;
  #bridge: CallMedia | undefined;
  #endpointIds: readonly string[] = [];
  /** the bridge's endpoints beyond the anchored caller's (the callee's), while bridging or bridged */
  #bridgeIds: readonly string[] = [];
  /** prompts playing to the caller: play id → its end */
  readonly #playback = new CallPlayback();
  /** the numbers the dial step now ringing was asked to ring (for call pickup) */
  #ringing: readonly string[] = [];
  #state = CallState.Routing;
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

  /** the two-party media of a call answered by a callee (what recording and monitoring use) */
  get bridge(): CallMedia | undefined {
    return this.#state === CallState.Answered || this.#state === CallState.Bridged ? this.#bridge : undefined;
  }

  /** the caller has its 2xx (answered by a callee, into a room, or here): it ends with BYE */
  get answered(): boolean {
    return ANSWERED_STATES.has(this.#state);
  }

  /** the endpoint facing the caller of a call answered here (answer()), which a bridge keeps */
  get anchor(): EndpointHandle | undefined {
    return this.#state === CallState.AnsweredLocally && this.#local ? this.#local.endpoint : undefined;
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

  on<E extends keyof CallEventMap>(event: E, listener: CallEventMap[E]): () => void {
    return this.events.on(event, listener);
  }

  /** CONVENTIONS.md §8: the one place the state changes; an illegal move is refused (false). */
  #transition(to: CallState): boolean {
    if (!MOVES[this.#state].includes(to)) return false;
    const from = this.#state;
    this.#state = to;
    this.events.emit('state', { from, to });
    return true;
  }

  #emit(event: 'newcall' | 'ringing' | 'answered' | 'hangup'): void {
    this.#hooks.emit(event, this.record());
  }

  /** The dial plan's trace and each handler the call ran go into its record. */
  routed(trace: readonly unknown[]): void {
    this.#routing.trace.push(...trace);
  }

  /** A resource (the running handler, a recording) that ends with the call; returns its release. */
  adopt(resource: CallResource): () => void {
    if (this.#state === CallState.Ended) {
      resource.close('call-ended', this.record());
      return () => {};
    }
    this.#resources.add(resource);
    return () => this.#resources.delete(resource);
  }

  /** a handler starts on this call (for the record) */
  handlerStarted(name: string): void {
    this.#routing.handlers.push(name);
  }

  /**
   * A recording of this call began: from now on its record names the file (the duration and pauses
   * come when it ends), so a record closed as INTERRUPTED after a crash still leads to it.
   */
  recordingStarted(recording: { readonly path: string; readonly format: RecordingFormat }): void {
    this.#recording = recording;
  }

  record(stats?: MediaFigures): CallRecord {
    const routing: CallRouting = { trace: [...this.#routing.trace], handlers: [...this.#routing.handlers] };
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
    const withRouting = { ...record, routing };
    return this.#recording === undefined ? withRouting : { ...withRouting, recordingPath: this.#recording.path, recordingFormat: this.#recording.format };
  }

  /** the media facing the caller now; its endpoints' engine events come to this call */
  #attachMedia(media: CallMedia | LocalMedia | undefined): void {
    for (const id of this.#endpointIds) this.#hooks.endpoints.remove(id);
    this.#media = media;
    this.#endpointIds = media?.endpointIds() ?? [];
    for (const id of this.#endpointIds) this.#hooks.endpoints.add(id, this);
  }

  /**
   * One dial step: ring `forks` with `media` between them and the caller for at most `timeoutMs`.
   * Resolves when one answers (the call is then Answered) or when the step failed, the forks then
   * cancelled and the media left to the caller of dial() (the call is back in Routing, or Ended).
   */
  async dial(options: { readonly media: CallMedia; readonly forks: readonly OutboundLeg[]; readonly timeoutMs: number; readonly numbers?: readonly string[] }): Promise<DialResult> {
    if (this.#state === CallState.AnsweredLocally) return this.#bridgeDial(options);
    if (!this.#transition(CallState.Ringing)) return { answered: false, failure: FAILURES.cancelled, by: 'caller' };
    this.#ringing = options.numbers ?? [];
    this.#attachMedia(options.media);
    this.#forks.push(...options.forks);
    const attempt = new DialAttempt({ forks: options.forks, timeoutMs: options.timeoutMs, clock: this.#hooks.clock, logger: this.#hooks.logger, callId: this.id, progress: (r) => this.#provisional(r) });
    this.#dial = attempt;
    const result = await attempt.result;
    this.#dial = undefined;
    this.#ringing = [];
    if (result.answered) return this.#answer(options.media, result.leg, result.response);
    if (this.#state === CallState.Ringing) this.#transition(CallState.Routing);
    if (this.#media === options.media) this.#attachMedia(undefined);
    return result;
  }

  #provisional(response: SipResponse): void {
    if (this.#state !== CallState.Ringing) return;
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

  #answer(media: CallMedia, leg: OutboundLeg, response: SipResponse): DialResult {
    const relayed = response.body.length > 0 ? media.relay('callee', response.body, 'answer') : undefined;
    if (!relayed?.ok) {
      // RFC 3264 §6: an answer we cannot use; the callee's dialog is ended, the step failed with 488
      void leg.bye();
      this.#transition(CallState.Routing);
      this.#attachMedia(undefined);
      return { answered: false, failure: FAILURES.notAcceptable, by: 'system' };
    }
    if (this.#state !== CallState.Ringing) return { answered: false, failure: FAILURES.cancelled, by: 'caller' };
    this.#winner = leg;
    this.codec = relayed.codec;
    if (!this.inbound.answer(relayed.body, () => void this.hangup('system', 'ack-timeout'))) return { answered: false, failure: FAILURES.cancelled, by: 'caller' };
    this.#transition(CallState.Answered);
    this.#bridge = media;
    for (const l of [this.inbound, leg]) if (l.dialogKey) this.#hooks.index.add(l.dialogKey, this);
    media.watch(relayed.direction === 'sendrecv');
    this.#emit('answered');
    this.events.emit('answered', undefined);
    return { answered: true, leg, response };
  }

  /**
   * A dial from a call answered here (AnsweredLocally → Bridging): `media` holds the anchored
   * caller endpoint and a new one facing the forks. The caller already has its 200 OK, so no
   * provisional goes to it; it hears ringback from its endpoint. When a fork answers, the engine
   * connects the two endpoints (relaying or transcoding): the caller's SDP does not change, so no
   * re-INVITE is sent to it (RFC 3264 §8 only asks for one when the session changes).
   */
  async #bridgeDial(options: { readonly media: CallMedia; readonly forks: readonly OutboundLeg[]; readonly timeoutMs: number }): Promise<DialResult> {
    const local = this.#local!;
    this.#transition(CallState.Bridging);
    this.#setBridgeEndpoints(options.media);
    this.#forks.push(...options.forks);
    void this.#playback.play(local.endpoint, { tone: 'ringback' }, { wait: false });
    const attempt = new DialAttempt({ forks: options.forks, timeoutMs: options.timeoutMs, clock: this.#hooks.clock, logger: this.#hooks.logger, callId: this.id, progress: () => {} });
    this.#dial = attempt;
    const result = await attempt.result;
    this.#dial = undefined;
    local.endpoint.stopPlayback();
    if (!result.answered || this.#state !== CallState.Bridging) {
      if (result.answered) void result.leg.bye();
      if (this.#state === CallState.Bridging) this.#transition(CallState.AnsweredLocally);
      this.#setBridgeEndpoints(undefined);
      return result.answered ? { answered: false, failure: FAILURES.cancelled, by: 'caller' } : result;
    }
    const relayed = result.response.body.length > 0 ? options.media.relay('callee', result.response.body, 'answer') : undefined;
    // what the caller was answered with stays: the engine transcodes when the callee chose another codec
    local.reassertFormat();
    if (!relayed?.ok) {
      // RFC 3264 §6: an answer we cannot use; the callee's dialog is ended, the step failed with 488
      void result.leg.bye();
      this.#transition(CallState.AnsweredLocally);
      this.#setBridgeEndpoints(undefined);
      return { answered: false, failure: FAILURES.notAcceptable, by: 'system' };
    }
    this.#winner = result.leg;
    this.#bridge = options.media;
    this.#transition(CallState.Bridged);
    if (result.leg.dialogKey) this.#hooks.index.add(result.leg.dialogKey, this);
    options.media.watch(relayed.direction === 'sendrecv');
    this.events.emit('answered', undefined);
    return result;
  }

  /** the bridge's endpoints other than the anchored caller's join (or leave) the engine-event index */
  #setBridgeEndpoints(media: CallMedia | undefined): void {
    for (const id of this.#bridgeIds) this.#hooks.endpoints.remove(id);
    this.#bridgeIds = media?.endpointIds().filter((id) => !this.#endpointIds.includes(id)) ?? [];
    for (const id of this.#bridgeIds) this.#hooks.endpoints.add(id, this);
  }

  /**
   * Hailing answers the caller itself and keeps the caller's endpoint for the rest of the call
   * (Routing → AnsweredLocally): prompts play to it, and a later dial step bridges it to a callee.
   */
  answer(media: LocalMedia, body: Uint8Array): boolean {
    return this.#answerLocally(media, body, CallState.AnsweredLocally);
  }

  /**
   * Plays `item` (a prompt file, a tone) to the caller of a call answered here; resolves with how
   * it ended ('stopped' when the call ended first). Only the anchored caller endpoint plays.
   */
  play(item: PlayItem): Promise<PlayEnd> {
    const endpoint = this.anchor;
    if (endpoint === undefined) return Promise.resolve('failed');
    return this.#playback.play(endpoint, item, { wait: true });
  }

  /** the engine's 'play-done' for one of this call's endpoints */
  playDone(id: string, reason: PlayEnd): void {
    this.#playback.done(id, reason);
  }

  /** Hailing answers the caller itself (a conference room, monitoring): no fork, no callee leg. */
  answerHere(media: LocalMedia, body: Uint8Array): boolean {
    return this.#answerLocally(media, body, CallState.Answered);
  }

  #answerLocally(media: LocalMedia, body: Uint8Array, to: CallState.Answered | CallState.AnsweredLocally): boolean {
    if (this.#state !== CallState.Routing) return false;
    this.#attachMedia(media);
    if (to === CallState.AnsweredLocally) this.#local = media;
    if (!this.inbound.answer(body, () => void this.hangup('system', 'ack-timeout'))) return false;
    this.#transition(to);
    if (this.inbound.dialogKey) this.#hooks.index.add(this.inbound.dialogKey, this);
    media.watch(true);
    this.#emit('answered');
    this.events.emit('answered', undefined);
    return true;
  }

  /** the extensions this call rings now (empty unless it is Ringing) */
  get ringing(): readonly string[] {
    return this.#state === CallState.Ringing ? this.#ringing : [];
  }

  /**
   * Call pickup (Ringing → Bridged): another phone takes this ringing call. The forks get CANCEL
   * (RFC 3261 §9.1); the caller is answered from `media`, an endpoint of its own that the
   * picker's endpoint is connected to. False when the call no longer rings.
   */
  pickedUp(options: { readonly media: LocalMedia; readonly body: Uint8Array; readonly by: string }): boolean {
    if (this.#state !== CallState.Ringing) return false;
    this.#dial?.stop(PICKED_UP, 'system');
    this.#attachMedia(options.media);
    this.#local = options.media;
    if (!this.inbound.answer(options.body, () => void this.hangup('system', 'ack-timeout'))) return false;
    this.#transition(CallState.Bridged);
    if (this.inbound.dialogKey) this.#hooks.index.add(this.inbound.dialogKey, this);
    options.media.watch(true);
    this.routed([{ number: options.by, entry: null, pattern: null, result: 'picked-up', reason: `${options.by} picked up the call` }]);
    this.#emit('answered');
    this.events.emit('answered', undefined);
    return true;
  }

  /** A digit from one party, from the media engine (RFC 4733, in-band) or an INFO request. */
  dtmf(side: Side, digit: string, durationMs: number, method: DtmfEvent['method']): void {
    this.#hooks.dtmf({ callId: this.id, caller: this.caller.number, callee: this.callee, leg: side, digit, durationMs, method });
    this.events.emit('dtmf', { side, digit, durationMs, method });
  }

  /** The caller's CANCEL (RFC 3261 §9.2): the forks are cancelled, the caller gets 487. */
  cancelledByCaller(): void {
    this.fail(FAILURES.cancelled, 'caller');
  }

  /** Ends a call that was never answered, with `failure` to the caller. */
  fail(failure: Failure, by: HangupSide = 'system'): void {
    if (this.answered || this.#state === CallState.Ended) return;
    this.#dial?.stop(failure, by);
    this.inbound.fail(failure.status, failure.reason);
    void this.#close({ disposition: failure.disposition, cause: failure.cause, status: failure.status, by });
  }

  /** An answered call ends: BYE to every established leg that did not send one. */
  hangup(by: HangupSide, cause: string): Promise<void> {
    if (!this.answered) return this.#closing ?? Promise.resolve();
    // a bridge still ringing: its forks are cancelled (RFC 3261 §9.1)
    this.#dial?.stop(FAILURES.cancelled, by);
    const byeTo = [by === 'caller' ? undefined : this.inbound, by === 'callee' ? undefined : this.#winner];
    for (const leg of byeTo) if (leg) void leg.bye();
    return this.#close({ disposition: 'ANSWERED', cause, status: 200, by });
  }

  /** Idempotent cascade: handler and recording, legs, dialogs, media; then the record goes out with its media figures. */
  #close(end: { disposition: CallDisposition; cause: string; status: number; by: HangupSide }): Promise<void> {
    if (!this.#transition(CallState.Ended)) return this.#closing ?? Promise.resolve();
    const now = this.#hooks.clock.now();
    this.#end = { ...end, at: now };
    this.#closing = (async () => {
      for (const leg of [this.inbound, ...this.#forks]) {
        if (leg.endedAt === null) leg.endedAt = now;
        if (leg.dialogKey) this.#hooks.index.remove(leg.dialogKey);
        // let an in-flight BYE go out before the leg's timers are dropped
        setImmediate(() => leg.release());
      }
      this.#playback.close();
      const [media, bridge] = await Promise.all([this.#media?.close().catch(() => undefined), this.#local ? this.#bridge?.close().catch(() => undefined) : undefined]);
      // bridged from a local answer: the caller's figures are the anchored endpoint's, the callee's the bridge's
      const stats = media && bridge ? { caller: media.caller, callee: bridge.callee } : media;
      for (const id of [...this.#endpointIds, ...this.#bridgeIds]) this.#hooks.endpoints.remove(id);
      const final = this.record(stats);
      for (const resource of this.#resources) resource.close(end.cause, final);
      this.#resources.clear();
      this.#hooks.emit('hangup', final);
      this.events.emit('close', final);
      this.#hooks.closed(this);
    })();
    return this.#closing;
  }
}
