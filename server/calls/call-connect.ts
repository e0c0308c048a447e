// How a Call's caller gets connected: a dial step ringing forks (then the callee that answers), a
// bridge from a call answered here, Hailing answering the caller itself, or another phone picking
// the ringing call up. The Call delegates these here and keeps its state: this class sees it only
// through ConnectHost, and every state change still goes through the Call's one transition()
// (CONVENTIONS.md §8).
import type { Clock, Logger, SipResponse } from '../sip/index.js';
import type { CallMedia } from './call-media.js';
import type { LocalMedia } from './local-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import { DialAttempt, type DialResult } from './dial-attempt.js';
import { FAILURES, type Failure } from './outcome.js';
import { CallState } from './call-state.js';
import type { CallEvents } from './call-events.js';
import type { CallPlayback } from './call-playback.js';
import type { HangupSide } from './types.js';
import type { EndpointHandle, PlayItem } from '../../media/index.js';
import type { Handles } from './call-endpoints.js';

/** what a dial step ends with when another phone picks the call up (the forks' CANCEL) */
const PICKED_UP: Failure = { status: 487, disposition: 'ANSWERED', cause: 'picked-up' };

/** The narrow view of its Call that CallConnect works through. */
export interface ConnectHost {
  readonly id: string;
  readonly inbound: InboundLeg;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: CallEvents;
  readonly playback: CallPlayback;
  /** a bridge's endpoints beyond the anchored caller's: the call listens on their events */
  watchBridge(handles: Handles): void;
  /** the bridge is up (Bridged); a picked-up call's is the picker's endpoint */
  bridged(peer?: EndpointHandle): void;
  state(): CallState;
  /** the Call's one transition(): false when the move is refused */
  transition(to: CallState): boolean;
  media(): CallMedia | LocalMedia | undefined;
  /** the media facing the caller now (the call listens on its endpoints' events) */
  attachMedia(media: CallMedia | LocalMedia | undefined): void;
  local(): LocalMedia | undefined;
  setLocal(media: LocalMedia): void;
  addForks(forks: readonly OutboundLeg[]): void;
  setWinner(leg: OutboundLeg): void;
  setBridge(media: CallMedia): void;
  setCodec(codec: string | null): void;
  /** a dialog of this call joins the index that routes in-dialog requests */
  indexDialog(key: string): void;
  /** an observer event with the call's record */
  emit(event: 'ringing' | 'answered'): void;
  routed(trace: readonly unknown[]): void;
  hangup(by: HangupSide, cause: string): Promise<void>;
  /** what an answered caller hears while a bridge rings: ringback, or music on hold (a held caller's transfer) */
  waiting(): PlayItem | Promise<PlayItem>;
}

export interface DialOptions {
  readonly media: CallMedia;
  readonly forks: readonly OutboundLeg[];
  readonly timeoutMs: number;
  readonly numbers?: readonly string[];
}

export class CallConnect {
  readonly #host: ConnectHost;
  #dial: DialAttempt | undefined;
  /** the numbers the dial step now ringing was asked to ring (for call pickup) */
  #ringing: readonly string[] = [];
  #ringingEmitted = false;

  constructor(host: ConnectHost) {
    this.#host = host;
  }

  /** the numbers the running dial step rings (the Call shows them only while Ringing) */
  get ringing(): readonly string[] {
    return this.#ringing;
  }

  /** the running dial step, if any, ends without an answer: its forks are cancelled */
  stop(failure: Failure, by: HangupSide): void {
    this.#dial?.stop(failure, by);
  }

  /** Call.dial(): see there */
  async dial(options: DialOptions): Promise<DialResult> {
    const h = this.#host;
    if (h.state() === CallState.AnsweredLocally) return this.#bridgeDial(options);
    if (!h.transition(CallState.Ringing)) return { answered: false, failure: FAILURES.cancelled, by: 'caller' };
    this.#ringing = options.numbers ?? [];
    h.attachMedia(options.media);
    h.addForks(options.forks);
    const attempt = new DialAttempt({ forks: options.forks, timeoutMs: options.timeoutMs, clock: h.clock, logger: h.logger, callId: h.id, progress: (r) => this.#provisional(r, options.media) });
    this.#dial = attempt;
    const result = await attempt.result;
    this.#dial = undefined;
    this.#ringing = [];
    if (result.answered) return this.#answer(options.media, result.leg, result.response);
    if (h.state() === CallState.Ringing) h.transition(CallState.Routing);
    if (h.media() === options.media) h.attachMedia(undefined);
    return result;
  }

  #provisional(response: SipResponse, media: CallMedia): void {
    const h = this.#host;
    if (h.state() !== CallState.Ringing) return;
    let body: Uint8Array | undefined;
    // RFC 3261 §13.2.1: a caller that sent no offer must not get one in a provisional it need not
    // acknowledge; its offer comes in our 2xx (late-offer.ts), so the callee's early media stays here
    if (response.body.length > 0 && h.inbound.request.message.body.length > 0) {
      // RFC 3261 §13.2.1 / RFC 3960: early media, relayed like an answer
      const relayed = media.relay('callee', response.body, 'answer');
      if (relayed.ok) body = relayed.body;
    }
    const first = !this.#ringingEmitted;
    this.#ringingEmitted = true;
    h.inbound.progress(response.status, response.reason, body);
    if (first) h.emit('ringing');
  }

  #answer(media: CallMedia, leg: OutboundLeg, response: SipResponse): DialResult {
    const h = this.#host;
    const relayed = response.body.length > 0 ? media.relay('callee', response.body, 'answer') : undefined;
    if (!relayed?.ok) {
      // RFC 3264 §6: an answer we cannot use; the callee's dialog is ended, the step failed with 488
      void leg.bye();
      h.transition(CallState.Routing);
      h.attachMedia(undefined);
      return { answered: false, failure: FAILURES.notAcceptable, by: 'system' };
    }
    if (h.state() !== CallState.Ringing) return { answered: false, failure: FAILURES.cancelled, by: 'caller' };
    h.setWinner(leg);
    h.setCodec(relayed.codec);
    if (!h.inbound.answer(relayed.body, () => void h.hangup('system', 'ack-timeout'))) return { answered: false, failure: FAILURES.cancelled, by: 'caller' };
    h.transition(CallState.Answered);
    h.setBridge(media);
    for (const l of [h.inbound, leg]) if (l.dialogKey) h.indexDialog(l.dialogKey);
    media.watch(relayed.direction === 'sendrecv');
    h.emit('answered');
    h.events.emit('answered', undefined);
    return { answered: true, leg, response };
  }

  /**
   * A dial from a call answered here (AnsweredLocally → Bridging): `media` holds the anchored
   * caller endpoint and a new one facing the forks. The caller already has its 200 OK, so no
   * provisional goes to it; it hears ringback from its endpoint. When a fork answers, the engine
   * connects the two endpoints (relaying or transcoding): the caller's SDP does not change, so no
   * re-INVITE is sent to it (RFC 3264 §8 only asks for one when the session changes).
   */
  async #bridgeDial(options: DialOptions): Promise<DialResult> {
    const h = this.#host;
    const local = h.local()!;
    h.transition(CallState.Bridging);
    h.watchBridge(options.media.handles());
    h.addForks(options.forks);
    const attempt = new DialAttempt({ forks: options.forks, timeoutMs: options.timeoutMs, clock: h.clock, logger: h.logger, callId: h.id, progress: () => {} });
    this.#dial = attempt;
    // music on hold is looked up first: it must not start once this dial has ended
    const play = (item: PlayItem) => this.#dial === attempt && void h.playback.play(local.endpoint, item, { wait: false });
    const waiting = h.waiting();
    if (waiting instanceof Promise) void waiting.then(play);
    else play(waiting);
    const result = await attempt.result;
    this.#dial = undefined;
    local.endpoint.stopPlayback();
    if (!result.answered || h.state() !== CallState.Bridging) {
      if (result.answered) void result.leg.bye();
      if (h.state() === CallState.Bridging) h.transition(CallState.AnsweredLocally);
      h.watchBridge([]);
      return result.answered ? { answered: false, failure: FAILURES.cancelled, by: 'caller' } : result;
    }
    const relayed = result.response.body.length > 0 ? options.media.relay('callee', result.response.body, 'answer') : undefined;
    // what the caller was answered with stays: the engine transcodes when the callee chose another codec
    local.reassertFormat();
    if (!relayed?.ok) {
      // RFC 3264 §6: an answer we cannot use; the callee's dialog is ended, the step failed with 488
      void result.leg.bye();
      h.transition(CallState.AnsweredLocally);
      h.watchBridge([]);
      return { answered: false, failure: FAILURES.notAcceptable, by: 'system' };
    }
    h.setWinner(result.leg);
    h.setBridge(options.media);
    h.transition(CallState.Bridged);
    h.bridged();
    if (result.leg.dialogKey) h.indexDialog(result.leg.dialogKey);
    options.media.watch(relayed.direction === 'sendrecv');
    h.events.emit('answered', undefined);
    h.events.emit('media', { kind: 'bridged' });
    return result;
  }

  /** Call.answer() and Call.answerHere(): Hailing answers the caller itself (Routing → `to`) */
  answerLocally(media: LocalMedia, body: Uint8Array, to: CallState.Answered | CallState.AnsweredLocally): boolean {
    const h = this.#host;
    if (h.state() !== CallState.Routing) return false;
    h.attachMedia(media);
    // the caller's endpoint is ours: its re-offers are answered by it (Call.facing)
    h.setLocal(media);
    if (!h.inbound.answer(body, () => void h.hangup('system', 'ack-timeout'))) return false;
    h.transition(to);
    if (h.inbound.dialogKey) h.indexDialog(h.inbound.dialogKey);
    media.watch(true);
    h.emit('answered');
    h.events.emit('answered', undefined);
    return true;
  }

  /** Call.pickedUp(): see there */
  pickedUp(options: { readonly media: LocalMedia; readonly body: Uint8Array; readonly by: string; readonly peer: EndpointHandle }): boolean {
    const h = this.#host;
    if (h.state() !== CallState.Ringing) return false;
    this.#dial?.stop(PICKED_UP, 'system');
    h.attachMedia(options.media);
    h.setLocal(options.media);
    if (!h.inbound.answer(options.body, () => void h.hangup('system', 'ack-timeout'))) return false;
    h.transition(CallState.Bridged);
    h.bridged(options.peer);
    if (h.inbound.dialogKey) h.indexDialog(h.inbound.dialogKey);
    options.media.watch(true);
    h.routed([{ number: options.by, entry: null, pattern: null, result: 'picked-up', reason: `${options.by} picked up the call` }]);
    h.emit('answered');
    h.events.emit('answered', undefined);
    return true;
  }
}
