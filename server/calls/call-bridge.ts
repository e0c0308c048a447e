// What a Call answered here does with the party it is bridged to (call-state.ts has the diagram):
// hold and resume it, and unbridge it. The caller's endpoint is Hailing's for the whole call, so
// none of this sends the caller a re-INVITE (its SDP never changes, RFC 3264 §8 asks for one only
// when it does): the engine stops or resumes relaying between the two endpoints, and prompts or
// music play from the endpoints themselves. The Call delegates here through BridgeHost; every
// state change still goes through its one transition() (CONVENTIONS.md §8).
import type { EndpointHandle, EndpointStats, PlayItem } from '../../media/index.js';
import type { CallMedia } from './call-media.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { CallEvents } from './call-events.js';
import type { CallPlayback } from './call-playback.js';
import type { Handles } from './call-endpoints.js';
import { CallState } from './call-state.js';
import type { FacingMedia } from './in-dialog-local.js';
import { acceptAnswerOn } from './local-answer.js';
import { LocalMedia } from './local-media.js';

/** why a bridge ended, as the handler that bridged sees it (Call.bridgeEnded()) */
export type BridgeEnd = 'peer-hangup' | 'unbridged' | 'transferred' | 'call-ended';

/** what each party hears while Hailing holds the bridge (nothing by default) */
export interface HoldOptions {
  readonly callerHears?: PlayItem;
  readonly calleeHears?: PlayItem;
}

export interface BridgeHost {
  readonly events: CallEvents;
  readonly playback: CallPlayback;
  state(): CallState;
  transition(to: CallState): boolean;
  local(): LocalMedia | undefined;
  bridge(): CallMedia | undefined;
  setBridge(media: CallMedia | undefined): void;
  winner(): OutboundLeg | undefined;
  /** the callee's dialog leaves the index that routes in-dialog requests */
  unindex(key: string): void;
  watchBridge(handles: Handles): void;
  /** the caller's endpoint becomes the Call's (a transfer of a two-party call) */
  setLocal(media: LocalMedia): void;
  attachMedia(media: LocalMedia): void;
}

export class CallBridge {
  readonly #host: BridgeHost;
  #end: { promise: Promise<BridgeEnd>; resolve: (end: BridgeEnd) => void } | undefined;
  /** a picked-up call's other endpoint (the picker's), connected to the caller's */
  #peer: EndpointHandle | undefined;
  /** the figures of the callee's endpoint of a bridge that ended before the call */
  #calleeStats: Promise<EndpointStats | undefined> | undefined;

  constructor(host: BridgeHost) {
    this.#host = host;
  }

  /** the bridge is up (Bridged): bridgeEnded() waits for its end from now on */
  started(o: { readonly peer?: EndpointHandle } = {}): void {
    this.#peer = o.peer;
    let resolve!: (end: BridgeEnd) => void;
    const promise = new Promise<BridgeEnd>((r) => (resolve = r));
    this.#end = { promise, resolve };
  }

  /** resolves when the current bridge ends; at once with 'call-ended' when there is none */
  ended(): Promise<BridgeEnd> {
    return this.#end?.promise ?? Promise.resolve('call-ended');
  }

  #finish(end: BridgeEnd): void {
    const e = this.#end;
    this.#end = undefined;
    e?.resolve(end);
  }

  /** the two endpoints of the conversation, when there is one (recording, monitoring, hold) */
  parties(): { readonly caller: EndpointHandle; readonly callee: EndpointHandle } | undefined {
    const h = this.#host;
    const state = h.state();
    if (state !== CallState.Answered && state !== CallState.Bridged && state !== CallState.Held) return undefined;
    const bridge = h.bridge();
    if (bridge !== undefined) return { caller: bridge.endpoint('caller'), callee: bridge.endpoint('callee') };
    const local = h.local();
    return local !== undefined && this.#peer !== undefined ? { caller: local.endpoint, callee: this.#peer } : undefined;
  }

  /**
   * Hailing holds the bridge (Bridged → Held): the engine stops relaying both ways and each party
   * hears what `o` names (a prompt, a tone, music on hold) or silence. Neither phone is sent a
   * re-INVITE: both keep sending, so their media timeouts stay on.
   */
  hold(o: HoldOptions): boolean {
    const h = this.#host;
    const parties = this.parties();
    if (h.state() !== CallState.Bridged || parties === undefined || !h.transition(CallState.Held)) return false;
    parties.caller.disconnect();
    if (o.callerHears) void h.playback.play(parties.caller, o.callerHears, { wait: false });
    if (o.calleeHears) void h.playback.play(parties.callee, o.calleeHears, { wait: false });
    h.events.emit('media', { kind: 'held' });
    return true;
  }

  /** Held → Bridged: what played stops and the engine relays (or transcodes) between the parties again. */
  resume(): boolean {
    const h = this.#host;
    const parties = this.parties();
    if (h.state() !== CallState.Held || parties === undefined || !h.transition(CallState.Bridged)) return false;
    parties.caller.stopPlayback();
    parties.callee.stopPlayback();
    parties.caller.connect(parties.callee);
    // the caller keeps the format it was answered with, whatever the callee speaks
    h.local()?.reassertFormat();
    h.events.emit('media', { kind: 'resumed' });
    return true;
  }

  /**
   * Bridged or Held → AnsweredLocally: the callee is released (BYE, unless it hung up itself:
   * 'peer-hangup'), its endpoint closed and the caller's disconnected from it; the caller stays
   * answered here for the next step. False when the call is not bridged from a local answer
   * (a two-party call or a picked-up one has no anchored caller to keep).
   */
  unbridge(end: 'peer-hangup' | 'unbridged'): boolean {
    return this.#release(end) !== undefined;
  }

  /**
   * A transfer (RFC 3515 REFER from the callee, or the API) lets the callee go and keeps the caller
   * answered here for the transfer target (→ AnsweredLocally); a two-party call's caller endpoint
   * becomes the Call's for that (CallMedia.handOverCaller). The callee gets no BYE from here: its
   * leg is returned to the transfer, which still sends NOTIFYs in its dialog and then ends it.
   */
  detachCallee(): { readonly leg: OutboundLeg | undefined } | undefined {
    const h = this.#host;
    const bridge = h.bridge();
    if (h.state() !== CallState.Answered || bridge === undefined || h.winner() === undefined) return this.#release('transferred');
    if (!h.transition(CallState.AnsweredLocally)) return undefined;
    const local = LocalMedia.adopt(bridge.handOverCaller());
    h.setLocal(local);
    h.attachMedia(local);
    return this.#letGo(bridge, local, 'transferred');
  }

  /** Bridged or Held → AnsweredLocally; the callee's leg when there was one to let go */
  #release(end: 'peer-hangup' | 'unbridged' | 'transferred'): { readonly leg: OutboundLeg | undefined } | undefined {
    const h = this.#host;
    const bridge = h.bridge();
    const local = h.local();
    const state = h.state();
    if ((state !== CallState.Bridged && state !== CallState.Held) || bridge === undefined || local === undefined) return undefined;
    if (!h.transition(CallState.AnsweredLocally)) return undefined;
    return this.#letGo(bridge, local, end);
  }

  #letGo(bridge: CallMedia, local: LocalMedia, end: 'peer-hangup' | 'unbridged' | 'transferred'): { readonly leg: OutboundLeg | undefined } {
    const h = this.#host;
    const leg = h.winner();
    if (leg !== undefined) {
      if (end === 'unbridged') void leg.bye();
      if (leg.dialogKey) h.unindex(leg.dialogKey);
    }
    local.endpoint.stopPlayback();
    h.watchBridge([]);
    h.setBridge(undefined);
    // CallMedia.close() of an anchored bridge disconnects the caller's endpoint and closes the callee's
    this.#calleeStats = bridge
      .close()
      .then((s) => s.callee)
      .catch(() => undefined);
    local.reassertFormat();
    h.events.emit('media', { kind: 'unbridged', reason: end });
    this.#finish(end);
    return { leg };
  }

  /** the call closes: a handler waiting on the bridge sees 'call-ended' */
  closed(): void {
    this.#finish('call-ended');
  }

  /** a bridged callee's endpoint, which answers the callee's re-offers itself (the caller's SDP stays) */
  calleeFacing(): FacingMedia | undefined {
    const h = this.#host;
    const bridge = h.bridge();
    const state = h.state();
    if (bridge === undefined || h.local() === undefined || (state !== CallState.Bridged && state !== CallState.Held)) return undefined;
    return {
      answerReoffer: async (offer) => bridge.answerCalleeReoffer(offer),
      lastSent: () => bridge.lastSent('callee'),
      acceptAnswer: (body) => acceptAnswerOn(bridge.endpoint('callee'), body),
    };
  }

  /** the callee's final figures when its bridge ended before the call */
  calleeStats(): Promise<EndpointStats | undefined> {
    return this.#calleeStats ?? Promise.resolve(undefined);
  }
}

