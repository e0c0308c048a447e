// One call, anchored here from admission until it ends: the caller's leg, the media facing the
// caller, whatever the call is connected to at the moment (the forks of a dial step, then the
// answering callee; or a room Hailing answers into) and the handler running on it
// (CONVENTIONS.md §3: the Call owns everything under it and close() cascades to the handler, the
// recorder and the media). The state diagram is in call-state.ts, the state itself and the record's
// facts in call-core.ts; dialling, bridging, answering here and pickup are in call-connect.ts, and
// hold, resume and unbridge in call-bridge.ts, both working on the call through a narrow view.
import { CallCore, type CallOptions } from './call-core.js';
import type { CallMedia, Side } from './call-media.js';
import type { LocalMedia } from './local-media.js';
import type { DialResult } from './dial-attempt.js';
import type { OutboundLeg } from './outbound-leg.js';
import { byeReason, FAILURES, type Failure } from './outcome.js';
import { CallState } from './call-state.js';
import type { EndpointHandle, PlayItem } from '../../media/index.js';
import { CallPlayback, type PlayEnd } from './call-playback.js';
import { CallConnect, type ConnectHost, type DialOptions } from './call-connect.js';
import { CallBridge, type BridgeEnd, type BridgeHost, type HoldOptions } from './call-bridge.js';
import { CallEndpoints } from './call-endpoints.js';
import { collectDigits, type CollectDigitsOptions, type CollectedDigits } from './call-digits.js';
import { startRecording, type CallRecording, type RecordOptions } from './call-recording.js';
import type { FacingMedia } from './in-dialog-local.js';
import { PartyHold } from './party-hold.js';
import type { Direction } from './call-media.js';
import type { Retarget } from './diversion.js';

/** what an answered caller hears while a bridge rings */
const RINGBACK: PlayItem = { tone: 'ringback' };
import type { CallDisposition, DtmfEvent, HangupSide } from './types.js';

export { CallState } from './call-state.js';
export type { CallOptions } from './call-core.js';
export type { CallHooks, CallResource } from './call-hooks.js';
export type { BridgeEnd, HoldOptions } from './call-bridge.js';

export class Call extends CallCore {
  #media: CallMedia | LocalMedia | undefined;
  /** the caller's own endpoint after answer(): kept for the rest of the call, whatever it is bridged to */
  #local: LocalMedia | undefined;
  #bridge: CallMedia | undefined;
  /** prompts playing to the caller: play id → its end */
  readonly #playback = new CallPlayback();
  /** dialling, bridging, answering here and pickup, working on this call through a narrow view */
  readonly #connect: CallConnect;
  /** hold, resume and unbridge of a call bridged from a local answer */
  readonly #bridging: CallBridge;
  /** the media endpoints' own events, routed here */
  readonly #endpoints: CallEndpoints;
  /** a party's own hold: the other one hears music on hold */
  readonly #partyHold: PartyHold;
  #closing: Promise<void> | undefined;
  /** set by a transfer of a held caller: while the target rings, the caller hears music on hold, not ringback */
  waitWithMusic = false;
  /**
   * The extensions this call left so far and why (forwards, a miss the plan went on from), the
   * oldest first: a later step that sends the call out through a trunk names them in Diversion and
   * History-Info, and voicemail picks the greeting for why the call reached it (busy or not).
   */
  readonly retargets: Retarget[] = [];

  constructor(options: CallOptions) {
    super(options);
    // the narrow view of this call that dialling, pickup and the bridge's hold/unbridge work through
    const view: ConnectHost & BridgeHost = {
      id: this.id,
      inbound: this.inbound,
      clock: this.hooks.clock,
      logger: this.hooks.logger,
      events: this.events,
      playback: this.#playback,
      watchBridge: (handles) => this.#endpoints.watch('bridge', handles),
      bridged: (peer) => this.#bridging.started(peer ? { peer } : {}),
      state: () => this.state,
      transition: (to) => this.transition(to),
      media: () => this.#media,
      attachMedia: (media) => this.#attachMedia(media),
      local: () => this.#local,
      setLocal: (media) => (this.#local = media),
      addForks: (forks) => this.facts.forks.push(...forks),
      winner: () => this.winnerLeg,
      setWinner: (leg) => (this.winnerLeg = leg),
      bridge: () => this.#bridge,
      setBridge: (media) => (this.#bridge = media),
      setCodec: (codec) => (this.codec = codec),
      indexDialog: (key) => this.hooks.index.add(key, this),
      unindex: (key) => this.hooks.index.remove(key),
      emit: (event) => this.observed(event),
      routed: (trace) => this.routed(trace),
      hangup: (by, cause) => this.hangup(by, cause),
      // a class that cannot be read leaves the caller with ringback
      waiting: () => (this.waitWithMusic ? this.#music().then((m) => m ?? RINGBACK, () => RINGBACK) : RINGBACK),
    };
    this.#connect = new CallConnect(view);
    this.#bridging = new CallBridge(view);
    this.#partyHold = new PartyHold({
      callId: this.id,
      logger: this.hooks.logger,
      events: this.events,
      playback: this.#playback,
      parties: () => (this.state === CallState.Held ? undefined : this.parties),
      music: () => this.#music(),
    });
    this.#endpoints = new CallEndpoints({
      dtmf: (side, e) => this.#dtmfFromMedia(side, e.digit, e.durationMs, e.method),
      timeout: () => void this.hangup('system', 'media-timeout'),
      lost: () => (this.answered ? void this.hangup('system', 'media-failure') : this.fail(FAILURES.noMedia)),
      playDone: (id, reason) => this.#playback.done(id, reason),
    });
    this.observed('newcall');
  }

  /** what a held party hears (the default class); undefined when there is none */
  async #music(): Promise<PlayItem | undefined> {
    return (await this.hooks.musicOnHold?.()) ?? undefined;
  }

  get media(): CallMedia | LocalMedia | undefined {
    return this.#media;
  }

  /** the two-party media of a call answered by a callee, or bridged from a local answer */
  get bridge(): CallMedia | undefined {
    return this.state === CallState.Answered || this.state === CallState.Bridged || this.state === CallState.Held ? this.#bridge : undefined;
  }

  /** the endpoints facing the two parties of an answered conversation (recording, monitoring, hold) */
  get parties(): { readonly caller: EndpointHandle; readonly callee: EndpointHandle } | undefined {
    return this.#bridging.parties();
  }

  /** the endpoint facing `side` when Hailing anchors that party: it answers the party's offers (in-dialog-local.ts) */
  facing(side: Side): FacingMedia | undefined {
    if (!this.answered) return undefined;
    return side === 'caller' ? this.#local : this.#bridging.calleeFacing();
  }

  /** the endpoint facing the caller of a call answered here (answer()), which a bridge keeps */
  get anchor(): EndpointHandle | undefined {
    return this.state === CallState.AnsweredLocally && this.#local ? this.#local.endpoint : undefined;
  }

  /** the media facing the caller now; its endpoints' own events come to this call */
  #attachMedia(media: CallMedia | LocalMedia | undefined): void {
    this.#media = media;
    this.#endpoints.watch('caller', media?.handles() ?? []);
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

  /** The caller's digits until `max`, a terminator, a timeout or the call's end (call-digits.ts). */
  collectDigits(options: CollectDigitsOptions): Promise<CollectedDigits> {
    if (this.state === CallState.Ended) return Promise.resolve({ digits: '', reason: 'call-ended' });
    return collectDigits({ events: this.events, clock: this.hooks.clock, options });
  }

  /**
   * Records the conversation (stereo: caller left, other party right) or, with no one bridged,
   * the caller alone. Stops on the handle's stop(), after maxS, or when the call closes; null
   * when recording is off, the call is not answered, or the recorder could not start.
   */
  async record(options: RecordOptions = {}): Promise<CallRecording | null> {
    const parties = this.parties;
    const left = parties?.caller ?? (this.answered ? this.#local?.endpoint : undefined);
    const recording = await startRecording({ recorder: this.hooks.recorder, clock: this.hooks.clock, callId: this.id, left, right: parties?.callee, options, live: () => this.state !== CallState.Ended });
    if (recording === null) return null;
    this.recordingStarted({ path: recording.path, format: recording.format });
    this.adopt({ close: () => void recording.stop() });
    return recording;
  }

  /** Hailing holds a bridged call (Bridged → Held): see CallBridge.hold() */
  hold(options: HoldOptions = {}): boolean {
    return this.#bridging.hold(options);
  }

  /**
   * `side`'s own re-offer (hold or resume, RFC 3264 §8.4) was answered with the session now in
   * `direction` (as offered by that party): the other party hears music on hold while it is held.
   */
  partyDirection(side: Side, direction: Direction): void {
    void this.#partyHold.changed(side, direction);
  }

  /** the parties holding the other one by their own re-offer */
  get partiesHolding(): readonly Side[] {
    return this.#partyHold.holding;
  }

  /** Held → Bridged */
  resume(): boolean {
    return this.#bridging.resume();
  }

  /** Bridged or Held → AnsweredLocally: the callee gets BYE, the caller stays answered here. */
  unbridge(): boolean {
    return this.#bridging.unbridge('unbridged');
  }

  /**
   * A transfer lets the callee go and keeps the caller answered here for the transfer target
   * (Answered, Bridged or Held → AnsweredLocally): see CallBridge.detachCallee(). The callee's leg
   * leaves the call's dialog index and is returned to the transfer; undefined when the call has
   * no callee to let go.
   */
  detachCallee(): { readonly leg: OutboundLeg | undefined } | undefined {
    return this.#bridging.detachCallee();
  }

  /** the callee's BYE on a call bridged from a local answer: the bridge ends, the caller stays (false otherwise) */
  peerHangup(): boolean {
    return this.#bridging.unbridge('peer-hangup');
  }

  /** how the current bridge ends (the handler that bridged waits on it) */
  bridgeEnded(): Promise<BridgeEnd> {
    return this.#bridging.ended();
  }

  /**
   * Stops the dial now bridging this answered call (its forks get CANCEL, RFC 3261 §9.1) without
   * ending the call, which goes back to AnsweredLocally: a queue withdraws an offer when the
   * agent's ring time is up or the caller leaves the queue by a key.
   */
  stopDial(): void {
    if (this.state === CallState.Bridging) this.#connect.stop(FAILURES.noAnswer, 'system');
  }

  /** Hailing answers the caller itself (a conference room, monitoring): no fork, no callee leg. */
  answerHere(media: LocalMedia, body: Uint8Array): boolean {
    return this.#connect.answerLocally(media, body, CallState.Answered);
  }

  /** the extensions this call rings now (empty unless it is Ringing) */
  get ringing(): readonly string[] {
    return this.state === CallState.Ringing ? this.#connect.ringing : [];
  }

  /**
   * Call pickup (Ringing → Bridged): another phone takes this ringing call. The forks get CANCEL
   * (RFC 3261 §9.1); the caller is answered from `media`, an endpoint of its own that the
   * picker's endpoint is connected to. False when the call no longer rings.
   */
  pickedUp(options: { readonly media: LocalMedia; readonly body: Uint8Array; readonly by: string; readonly peer: EndpointHandle }): boolean {
    return this.#connect.pickedUp(options);
  }

  /** A digit from one party, from the media engine (RFC 4733, in-band) or an INFO request. */
  dtmf(side: Side, digit: string, durationMs: number, method: DtmfEvent['method']): void {
    this.hooks.dtmf({ callId: this.id, caller: this.caller.number, callee: this.callee, leg: side, digit, durationMs, method });
    this.events.emit('dtmf', { side, digit, durationMs, method });
  }

  /**
   * A digit one of this call's endpoints heard. When the worker decodes the media (transcoding, a
   * room) the relay did not carry it: it is sent on to the other party (dtmf-forward.ts).
   */
  #dtmfFromMedia(side: Side, digit: string, durationMs: number, method: DtmfEvent['method']): void {
    this.dtmf(side, digit, durationMs, method);
    const parties = this.state === CallState.Held ? undefined : this.parties;
    if (parties === undefined) return;
    const [from, to] = side === 'caller' ? [parties.caller, parties.callee] : [parties.callee, parties.caller];
    this.hooks.forwardDtmf({ callId: this.id, digit, durationMs, method, from, to });
  }

  /** The caller's CANCEL (RFC 3261 §9.2): the forks are cancelled, the caller gets 487. */
  cancelledByCaller(): void {
    this.fail(FAILURES.cancelled, 'caller');
  }

  /** Ends a call that was never answered, with `failure` to the caller. */
  fail(failure: Failure, by: HangupSide = 'system'): void {
    if (this.answered || this.state === CallState.Ended) return;
    this.#connect.stop(failure, by);
    this.inbound.fail(failure.status, failure.reason);
    void this.#close({ disposition: failure.disposition, cause: failure.cause, status: failure.status, by });
  }

  /** An answered call ends: BYE to every established leg that did not send one. */
  hangup(by: HangupSide, cause: string): Promise<void> {
    if (!this.answered) return this.#closing ?? Promise.resolve();
    // a bridge still ringing: its forks are cancelled (RFC 3261 §9.1)
    this.#connect.stop(FAILURES.cancelled, by);
    const byeTo = [by === 'caller' ? undefined : this.inbound, by === 'callee' ? undefined : this.winnerLeg];
    // RFC 3326: the BYE says why, where the cause is known
    const reason = byeReason(cause);
    for (const leg of byeTo) if (leg) void leg.bye(reason);
    return this.#close({ disposition: 'ANSWERED', cause, status: 200, by });
  }

  /** Idempotent cascade: handler and recording, legs, dialogs, media; then the record goes out with its media figures. */
  #close(end: { disposition: CallDisposition; cause: string; status: number; by: HangupSide }): Promise<void> {
    if (!this.transition(CallState.Ended)) return this.#closing ?? Promise.resolve();
    const now = this.hooks.clock.now();
    this.facts.end = { ...end, at: now };
    this.#closing = (async () => {
      for (const leg of [this.inbound, ...this.facts.forks]) {
        if (leg.endedAt === null) leg.endedAt = now;
        if (leg.dialogKey) this.hooks.index.remove(leg.dialogKey);
        // let an in-flight BYE go out before the leg's timers are dropped
        setImmediate(() => leg.release());
      }
      this.#playback.close();
      const [media, bridge, unbridged] = await Promise.all([
        this.#media?.close().catch(() => undefined),
        this.#local ? this.#bridge?.close().catch(() => undefined) : undefined,
        this.#bridging.calleeStats(),
      ]);
      // bridged from a local answer: the caller's figures are the anchored endpoint's, the callee's the bridge's
      const callee = bridge?.callee ?? unbridged;
      const stats = media && callee && this.#local ? { caller: media.caller, callee } : media;
      this.#endpoints.close();
      const final = this.snapshot(stats);
      for (const resource of this.resources) resource.close(end.cause, final);
      this.resources.clear();
      // after the kill: a handler waiting on its bridge ends 'killed' with the call's cause
      this.#bridging.closed();
      this.hooks.emit('hangup', final);
      this.events.emit('close', final);
      this.hooks.closed(this);
    })();
    return this.#closing;
  }
}
