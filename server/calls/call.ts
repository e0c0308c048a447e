// One call, anchored here from admission until it ends: the caller's leg, the media facing the
// caller, whatever the call is connected to at the moment (the forks of a dial step, then the
// answering callee; or a room Hailing answers into) and the handler running on it
// (CONVENTIONS.md §3: the Call owns everything under it and close() cascades to the handler, the
// recorder and the media). The state diagram is in call-state.ts; dialling, bridging, answering
// here and pickup are in call-connect.ts, which works on the call through a narrow view.
import { randomUUID } from 'node:crypto';
import type { CallMedia, Side } from './call-media.js';
import type { LocalMedia } from './local-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { DialResult } from './dial-attempt.js';
import { FAILURES, type Failure } from './outcome.js';
import { buildRecord, type CallEnd, type MediaFigures } from './record.js';
import { CallEvents, type CallEventMap } from './call-events.js';
import { ANSWERED_STATES, CallState, MOVES } from './call-state.js';
import type { EndpointHandle, PlayItem } from '../../media/index.js';
import { CallPlayback, type PlayEnd } from './call-playback.js';
import { CallConnect, type DialOptions } from './call-connect.js';
import type { CallHooks, CallResource } from './call-hooks.js';
import type { CallDisposition, CallRecord, CallRouting, DtmfEvent, ExtensionProfile, HangupSide, RecordingFormat } from './types.js';

export { CallState } from './call-state.js';
export type { CallHooks, CallResource } from './call-hooks.js';

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
  #winner: OutboundLeg | undefined;
  #media: CallMedia | LocalMedia | undefined;
  /** the caller's own endpoint after answer(): kept for the rest of the call, whatever it is bridged to */
  #local: LocalMedia | undefined;
  #bridge: CallMedia | undefined;
  #endpointIds: readonly string[] = [];
  /** prompts playing to the caller: play id → its end */
  readonly #playback = new CallPlayback();
  /** dialling, bridging, answering here and pickup, working on this call through a narrow view */
  readonly #connect: CallConnect;
  #state = CallState.Routing;
  #end: CallEnd | undefined;
  #codec: string | null = null;
  #closing: Promise<void> | undefined;
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
    this.#connect = new CallConnect({
      id: this.id,
      inbound: this.inbound,
      clock: this.#hooks.clock,
      logger: this.#hooks.logger,
      events: this.events,
      playback: this.#playback,
      endpoints: { add: (id) => this.#hooks.endpoints.add(id, this), remove: (id) => this.#hooks.endpoints.remove(id) },
      state: () => this.#state,
      transition: (to) => this.#transition(to),
      media: () => this.#media,
      attachMedia: (media) => this.#attachMedia(media),
      callerEndpointIds: () => this.#endpointIds,
      local: () => this.#local,
      setLocal: (media) => (this.#local = media),
      addForks: (forks) => this.#forks.push(...forks),
      setWinner: (leg) => (this.#winner = leg),
      setBridge: (media) => (this.#bridge = media),
      setCodec: (codec) => (this.codec = codec),
      indexDialog: (key) => this.#hooks.index.add(key, this),
      emit: (event) => this.#emit(event),
      routed: (trace) => this.routed(trace),
      hangup: (by, cause) => this.hangup(by, cause),
    });
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
   * From a call answered here it bridges instead (AnsweredLocally → Bridging, call-connect.ts).
   */
  dial(options: DialOptions): Promise<DialResult> {
    return this.#connect.dial(options);
  }

  /**
   * Hailing answers the caller itself and keeps the caller's endpoint for the rest of the call
   * (Routing → AnsweredLocally): prompts play to it, and a later dial step bridges it to a callee.
   */
  answer(media: LocalMedia, body: Uint8Array): boolean {
    return this.#connect.answerLocally(media, body, CallState.AnsweredLocally);
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

  /**
   * Stops the dial now bridging this answered call (its forks get CANCEL, RFC 3261 §9.1) without
   * ending the call, which goes back to AnsweredLocally: a queue withdraws an offer when the
   * agent's ring time is up or the caller leaves the queue by a key.
   */
  stopDial(): void {
    if (this.#state === CallState.Bridging) this.#connect.stop(FAILURES.noAnswer, 'system');
  }

  /** the engine's 'play-done' for one of this call's endpoints */
  playDone(id: string, reason: PlayEnd): void {
    this.#playback.done(id, reason);
  }

  /** Hailing answers the caller itself (a conference room, monitoring): no fork, no callee leg. */
  answerHere(media: LocalMedia, body: Uint8Array): boolean {
    return this.#connect.answerLocally(media, body, CallState.Answered);
  }

  /** the extensions this call rings now (empty unless it is Ringing) */
  get ringing(): readonly string[] {
    return this.#state === CallState.Ringing ? this.#connect.ringing : [];
  }

  /**
   * Call pickup (Ringing → Bridged): another phone takes this ringing call. The forks get CANCEL
   * (RFC 3261 §9.1); the caller is answered from `media`, an endpoint of its own that the
   * picker's endpoint is connected to. False when the call no longer rings.
   */
  pickedUp(options: { readonly media: LocalMedia; readonly body: Uint8Array; readonly by: string }): boolean {
    return this.#connect.pickedUp(options);
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
    this.#connect.stop(failure, by);
    this.inbound.fail(failure.status, failure.reason);
    void this.#close({ disposition: failure.disposition, cause: failure.cause, status: failure.status, by });
  }

  /** An answered call ends: BYE to every established leg that did not send one. */
  hangup(by: HangupSide, cause: string): Promise<void> {
    if (!this.answered) return this.#closing ?? Promise.resolve();
    // a bridge still ringing: its forks are cancelled (RFC 3261 §9.1)
    this.#connect.stop(FAILURES.cancelled, by);
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
      for (const id of [...this.#endpointIds, ...this.#connect.bridgeIds]) this.#hooks.endpoints.remove(id);
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
