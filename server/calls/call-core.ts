// What every Call is before it does anything: who calls whom, its state and the one transition()
// that moves it (CONVENTIONS.md §8, the table in call-state.ts), its typed events, what it ends
// with it (adopt), and the facts its record is made of. call.ts builds the call's behaviour on this.
import { randomUUID } from 'node:crypto';
import type { Side } from './call-media.js';
import type { InboundLeg } from './inbound-leg.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { MediaFigures } from './record.js';
import { CallFacts } from './call-facts.js';
import { CallEvents, type CallEventMap } from './call-events.js';
import { ANSWERED_STATES, CallState, MOVES } from './call-state.js';
import type { CallHooks, CallResource } from './call-hooks.js';
import type { CallRecord, ExtensionProfile, RecordingFormat } from './types.js';

export interface CallOptions {
  readonly caller: ExtensionProfile;
  readonly callee: string;
  readonly inbound: InboundLeg;
  readonly hooks: CallHooks;
  /** a carrier's DID brought the call in: set before the first record is written (newcall) */
  readonly direction?: 'inbound';
}

export abstract class CallCore {
  readonly id = randomUUID();
  readonly caller: ExtensionProfile;
  readonly callee: string;
  readonly inbound: InboundLeg;
  readonly startedAt: number;
  readonly events = new CallEvents();
  /** a re-INVITE or UPDATE with SDP being relayed: a second one meets 491 (RFC 3261 §14.2) */
  offerPending = false;
  /**
   * Parties whose dialog has an offer of ours outstanding, with the CSeq of the request it answers:
   * the 2xx to an offerless re-INVITE until its ACK, or (CSeq 0) an offer being answered here.
   */
  readonly localOffers = new Map<Side, number>();
  protected readonly hooks: CallHooks;
  /** what the call's close() ends with it: the running handler, a recording, a room seat */
  protected readonly resources = new Set<CallResource>();
  /** what the record is made of: forks, codec, routing, recording, end (call-facts.ts) */
  protected readonly facts = new CallFacts();
  /** the callee that answered (the last one, after an unbridge and a new bridge) */
  protected winnerLeg: OutboundLeg | undefined;
  #state = CallState.Routing;

  constructor(options: CallOptions) {
    this.caller = options.caller;
    this.callee = options.callee;
    this.inbound = options.inbound;
    this.hooks = options.hooks;
    this.startedAt = this.inbound.startedAt;
    if (options.direction) this.facts.direction = options.direction;
  }

  get state(): CallState {
    return this.#state;
  }

  /** the caller has its 2xx (answered by a callee, into a room, or here): it ends with BYE */
  get answered(): boolean {
    return ANSWERED_STATES.has(this.#state);
  }

  get winner(): OutboundLeg | undefined {
    return this.winnerLeg;
  }

  /** the leg on the other side of `side`, once answered */
  legOf(side: Side): InboundLeg | OutboundLeg | undefined {
    return side === 'caller' ? this.inbound : this.winnerLeg;
  }

  set codec(codec: string | null) {
    this.facts.codec = codec;
  }

  on<E extends keyof CallEventMap>(event: E, listener: CallEventMap[E]): () => void {
    return this.events.on(event, listener);
  }

  /** CONVENTIONS.md §8: the one place the state changes; an illegal move is refused (false). */
  protected transition(to: CallState): boolean {
    if (!MOVES[this.#state].includes(to)) return false;
    const from = this.#state;
    this.#state = to;
    this.events.emit('state', { from, to });
    return true;
  }

  /** an observer event (records, WebSocket, metrics) with the record as it stands */
  protected observed(event: 'newcall' | 'ringing' | 'answered' | 'hangup'): void {
    this.hooks.emit(event, this.snapshot());
  }

  /** The dial plan's trace and each handler the call ran go into its record. */
  routed(trace: readonly unknown[]): void {
    this.facts.routed(trace);
  }

  /** A carrier's DID brought the call in, or a trunk route takes it out; the first one set stays. */
  crossesTrunk(direction: 'inbound' | 'outbound'): void {
    if (this.facts.direction === 'internal') this.facts.direction = direction;
  }

  /** What an IVR flow learned (variables, path, attempts, trace) goes into the record; the latest wins. */
  ivrContext(context: Readonly<Record<string, unknown>>): void {
    this.facts.ivr = context;
  }

  /** A resource (the running handler, a recording) that ends with the call; returns its release. */
  adopt(resource: CallResource): () => void {
    if (this.#state === CallState.Ended) {
      resource.close('call-ended', this.snapshot());
      return () => {};
    }
    this.resources.add(resource);
    return () => this.resources.delete(resource);
  }

  /** a handler starts on this call (for the record) */
  handlerStarted(name: string): void {
    this.facts.handlerStarted(name);
  }

  /**
   * A recording of this call began: from now on its record names the file (the duration and pauses
   * come when it ends), so a record closed as INTERRUPTED after a crash still leads to it.
   */
  recordingStarted(recording: { readonly path: string; readonly format: RecordingFormat }): void {
    this.facts.recordingStarted(recording);
  }

  /** the call's record as it stands (with the media figures once it ended) */
  snapshot(stats?: MediaFigures): CallRecord {
    return this.facts.snapshot({ id: this.id, caller: this.caller, callee: this.callee, startedAt: this.startedAt, inbound: this.inbound, winner: this.winnerLeg, stats });
  }
}
