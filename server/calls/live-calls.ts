// Control of calls in progress from outside SIP (the REST API, the console's live calls screen):
// list them, hang up, hold and resume with music on hold, transfer the caller, and send DTMF to a
// party. Everything goes through the Call's own surface; nothing here touches SIP or media internals.
import type { PlayItem } from '../../media/index.js';
import { CallState, type Call } from './call.js';
import type { Side } from './call-media.js';
import type { CallTransfers } from './transfers.js';
import { transferable } from './call-transfer.js';

export interface LiveCallView {
  readonly id: string;
  readonly caller: string;
  readonly callerName: string | null;
  readonly callee: string;
  readonly state: CallState;
  /** ms since the epoch */
  readonly startedAt: number;
  /** Hailing holds the call (the API, or a bridged call's hold): both parties hear music on hold */
  readonly held: boolean;
  /** parties that put the other on hold from their phone */
  readonly holding: readonly Side[];
  readonly recording: boolean;
  readonly recordingPaused: boolean;
}

export type ControlResult = { readonly ok: true } | { readonly ok: false; readonly status: 404 | 409; readonly reason: string };

const DTMF_DIGITS = /^[0-9*#A-Da-d]{1,32}$/;
const NOT_FOUND: ControlResult = { ok: false, status: 404, reason: 'no call in progress with that id' };
const conflict = (reason: string): ControlResult => ({ ok: false, status: 409, reason });

export interface LiveCallsOptions {
  readonly calls: ReadonlyMap<string, Call>;
  readonly transfers: CallTransfers;
  readonly musicOnHold: () => Promise<PlayItem | undefined>;
  readonly recordings: { recording(callId: string): boolean; paused(callId: string): boolean; recordAll(call: Call): Promise<void>; stop(callId: string): boolean } | null;
}

export class LiveCalls {
  readonly #o: LiveCallsOptions;
  /** two-party calls Hailing holds: both endpoints play music on hold instead of relaying */
  readonly #heldHere = new WeakSet<Call>();

  constructor(o: LiveCallsOptions) {
    this.#o = o;
  }

  list(): LiveCallView[] {
    return [...this.#o.calls.values()].filter((c) => c.state !== CallState.Ended).map((c) => this.#view(c));
  }

  get(id: string): LiveCallView | undefined {
    const call = this.#o.calls.get(id);
    return call === undefined ? undefined : this.#view(call);
  }

  #view(c: Call): LiveCallView {
    return {
      id: c.id,
      caller: c.caller.number,
      callerName: c.caller.displayName,
      callee: c.callee,
      state: c.state,
      startedAt: c.startedAt,
      held: c.state === CallState.Held || this.#heldHere.has(c),
      holding: c.partiesHolding,
      recording: this.#o.recordings?.recording(c.id) ?? false,
      recordingPaused: this.#o.recordings?.paused(c.id) ?? false,
    };
  }

  /** an answered call ends with BYE to both parties; one still ringing ends with 487 to the caller */
  async hangup(id: string): Promise<ControlResult> {
    const call = this.#o.calls.get(id);
    if (call === undefined) return NOT_FOUND;
    if (call.answered) await call.hangup('system', 'api-hangup');
    else call.cancelledByCaller();
    return { ok: true };
  }

  /**
   * Hailing holds the call: both parties hear music on hold and neither is re-INVITEd (their
   * sessions stay as they are). A bridged call goes Held; a two-party call stays Answered with
   * both endpoints playing instead of relaying ("plays to this phone instead of its peer's media").
   */
  async hold(id: string): Promise<ControlResult> {
    const call = this.#o.calls.get(id);
    if (call === undefined) return NOT_FOUND;
    const music = (await this.#o.musicOnHold()) ?? { tone: 'dial' as const };
    const hears = { callerHears: music, calleeHears: music };
    if (call.state === CallState.Bridged) return call.hold(hears) ? { ok: true } : conflict('the call could not be held');
    const parties = call.parties;
    if (call.state !== CallState.Answered || parties === undefined) return conflict(`a call that is ${call.state} cannot be held`);
    if (this.#heldHere.has(call)) return conflict('the call is already held');
    this.#heldHere.add(call);
    parties.caller.play('api-hold-caller', music);
    parties.callee.play('api-hold-callee', music);
    call.events.emit('media', { kind: 'held' });
    return { ok: true };
  }

  async resume(id: string): Promise<ControlResult> {
    const call = this.#o.calls.get(id);
    if (call === undefined) return NOT_FOUND;
    if (call.state === CallState.Held) return call.resume() ? { ok: true } : conflict('the call could not be resumed');
    const parties = call.parties;
    if (!this.#heldHere.has(call) || parties === undefined) return conflict('the call is not held');
    this.#heldHere.delete(call);
    parties.caller.stopPlayback();
    parties.callee.stopPlayback();
    call.events.emit('media', { kind: 'resumed' });
    return { ok: true };
  }

  /** starts a transfer of the caller to `target`; its end comes as a 'transfer' event */
  transfer(id: string, target: string): ControlResult {
    const call = this.#o.calls.get(id);
    if (call === undefined) return NOT_FOUND;
    if (!transferable(call)) return conflict(`a call that is ${call.state} cannot be transferred`);
    this.#heldHere.delete(call);
    void this.#o.transfers.api({ call, target });
    return { ok: true };
  }

  /** attended transfer by the API: see CallTransfers.apiJoin() */
  async join(id: string, otherId: string): Promise<ControlResult> {
    const call = this.#o.calls.get(id);
    const other = this.#o.calls.get(otherId);
    if (call === undefined || other === undefined) return NOT_FOUND;
    const result = await this.#o.transfers.apiJoin({ call, other });
    if (result.ok) return { ok: true };
    return conflict(result.reason);
  }

  /** records the conversation from now (recording must be set up: HAILING_RECORD_CALLS) */
  async startRecording(id: string): Promise<ControlResult> {
    const call = this.#o.calls.get(id);
    if (call === undefined) return NOT_FOUND;
    const recordings = this.#o.recordings;
    if (recordings === null) return conflict('recording is not set up on this server');
    if (recordings.recording(id)) return conflict('the call is being recorded already');
    if (call.parties === undefined) return conflict('only a conversation between two parties is recorded');
    await recordings.recordAll(call);
    return recordings.recording(id) ? { ok: true } : conflict('the recorder could not start');
  }

  stopRecording(id: string): ControlResult {
    if (!this.#o.calls.has(id)) return NOT_FOUND;
    return this.#o.recordings?.stop(id) ? { ok: true } : conflict('the call is not being recorded');
  }

  /** RFC 4733 events (or in-band tones, as the party negotiated) sent to `to` from the endpoint facing it */
  dtmf(id: string, o: { readonly digits: string; readonly to: Side; readonly durationMs?: number }): ControlResult {
    const call = this.#o.calls.get(id);
    if (call === undefined) return NOT_FOUND;
    if (!DTMF_DIGITS.test(o.digits)) return conflict('digits are 0-9, *, #, A-D');
    const endpoint = call.parties?.[o.to] ?? (o.to === 'caller' ? call.anchor : undefined);
    if (endpoint === undefined) return conflict(`the call has no ${o.to} to send digits to`);
    endpoint.sendDtmf(o.digits.toUpperCase(), o.durationMs);
    return { ok: true };
  }
}
