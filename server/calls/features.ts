// Calls Hailing answers itself: conference rooms (FreeSWITCH's default dialplan puts them at
// 3000-3099) and supervisor monitoring by feature code, as Asterisk's ChanSpy does it:
// *222<ext> listen, *223<ext> whisper (the agent hears the supervisor), *224<ext> barge; during
// monitoring the supervisor switches with DTMF 4 (listen), 5 (whisper), 6 (barge). Monitoring
// needs the 'monitor' permission class on the supervisor's extension.
import type { IncomingRequest } from '../sip/index.js';
import type { MediaEngine, MonitorMode, RoomHandle } from '../../media/index.js';
import { CallState, type Call } from './call.js';
import { CallMedia } from './call-media.js';
import { LocalMedia } from './local-media.js';
import { FAILURES, type Failure } from './outcome.js';
import type { Logger } from '../sip/index.js';

export type Feature = { readonly kind: 'conference'; readonly room: string } | { readonly kind: 'monitor'; readonly mode: MonitorMode; readonly extension: string };

const MONITOR_CODES: Record<string, MonitorMode> = { '*222': 'listen', '*223': 'whisper', '*224': 'barge' };
const MODE_DIGITS: Record<string, MonitorMode> = { '4': 'listen', '5': 'whisper', '6': 'barge' };
/** RFC 3261 §21.4.24: the call is there but already taken (by another supervisor) */
const ALREADY_MONITORED: Failure = { status: 486, disposition: 'BUSY', cause: 'already-monitored' };

export interface FeatureOptions {
  readonly engine: Pick<MediaEngine, 'createEndpoint' | 'createRoom'>;
  readonly address: string;
  readonly inbandDtmf: 'auto' | 'on' | 'off';
  /** inclusive range of conference room numbers; null: none */
  readonly conferenceNumbers: { readonly min: number; readonly max: number } | null;
  readonly logger: Logger;
  /** the answered call an extension is in (the one to monitor) */
  readonly activeCallOf: (extension: string) => Call | undefined;
}

interface Monitor {
  readonly target: Call;
  readonly room: RoomHandle;
  readonly agentSide: 'caller' | 'callee';
}

export class Features {
  readonly #o: FeatureOptions;
  readonly #rooms = new Map<string, { room: RoomHandle; members: Set<string> }>();
  /** supervisor call id → what it monitors */
  readonly #monitors = new Map<string, Monitor & { supervisor: Call; media: LocalMedia }>();
  /**
   * endpoint id → the call it answers. The engine reports an endpoint's events (DTMF, timeout, loss)
   * with its group, and these endpoints' groups are a room's or the monitored call's id (so that the
   * room's members share one worker): the group does not name their call.
   */
  readonly #owners = new Map<string, Call>();

  constructor(options: FeatureOptions) {
    this.#o = options;
  }

  /** the call answered here whose endpoint this is (conference member, supervisor); undefined: not ours */
  callOf(endpointId: string): Call | undefined {
    return this.#owners.get(endpointId);
  }

  match(dialled: string): Feature | null {
    const code = MONITOR_CODES[dialled.slice(0, 4)];
    if (code !== undefined && /^[0-9]+$/.test(dialled.slice(4))) return { kind: 'monitor', mode: code, extension: dialled.slice(4) };
    const range = this.#o.conferenceNumbers;
    if (range !== null && /^[0-9]+$/.test(dialled) && Number(dialled) >= range.min && Number(dialled) <= range.max) return { kind: 'conference', room: dialled };
    return null;
  }

  async handle(call: Call, request: IncomingRequest, feature: Feature): Promise<void> {
    if (request.message.body.length === 0) return call.fail(FAILURES.notAcceptable);
    if (feature.kind === 'conference') return this.#conference(call, request, feature.room);
    return this.#monitor(call, request, feature);
  }

  async #conference(call: Call, request: IncomingRequest, number: string): Promise<void> {
    const group = `conference:${number}`;
    const media = await this.#answerable(call, request, group);
    if (media === null) return;
    let entry = this.#rooms.get(number);
    if (entry === undefined) {
      entry = { room: this.#o.engine.createRoom({ group, sampleRate: 8000 }), members: new Set() };
      this.#rooms.set(number, entry);
    }
    entry.room.join(media.endpoint);
    entry.members.add(call.id);
    this.#owners.set(media.endpoint.id, call);
    if (!call.answerHere(media, media.lastSent()!)) this.#leaveRoom(number, call.id);
  }

  async #monitor(call: Call, request: IncomingRequest, feature: Extract<Feature, { kind: 'monitor' }>): Promise<void> {
    if (!call.caller.permissions.includes('monitor')) return call.fail(FAILURES.forbidden);
    const target = this.#o.activeCallOf(feature.extension);
    const targetMedia = target?.media;
    if (target === undefined || !(targetMedia instanceof CallMedia) || target.state !== CallState.Answered) return call.fail(FAILURES.unavailable);
    // one supervisor per call: a room holds one monitoring matrix, and a second room would take the
    // call's endpoints out of the first (media/worker/sessions.ts moves a port between rooms)
    if (this.#monitoring(target.id)) return call.fail(ALREADY_MONITORED);
    const media = await this.#answerable(call, request, target.id);
    if (media === null) return;
    if (this.#monitoring(target.id)) {
      await media.close();
      return call.fail(ALREADY_MONITORED);
    }
    if (target.state !== CallState.Answered) {
      await media.close();
      return call.fail(FAILURES.unavailable);
    }
    const room = this.#o.engine.createRoom({ group: target.id, sampleRate: 8000 });
    const agentSide = target.caller.number === feature.extension ? 'caller' : 'callee';
    room.join(targetMedia.endpoint('caller'));
    room.join(targetMedia.endpoint('callee'));
    room.join(media.endpoint);
    room.monitor({ supervisor: media.endpoint, agent: targetMedia.endpoint(agentSide), mode: feature.mode });
    this.#monitors.set(call.id, { target, room, agentSide, supervisor: call, media });
    this.#owners.set(media.endpoint.id, call);
    if (!call.answerHere(media, media.lastSent()!)) this.#stopMonitor(call.id);
    this.#o.logger.info({ call: call.id, target: target.id, extension: feature.extension, mode: feature.mode }, 'monitoring started');
  }

  #monitoring(targetId: string): boolean {
    for (const m of this.#monitors.values()) if (m.target.id === targetId) return true;
    return false;
  }

  /** endpoint + SDP answer, or the call failed with 488/503 */
  async #answerable(call: Call, request: IncomingRequest, group: string): Promise<LocalMedia | null> {
    let media: LocalMedia;
    try {
      media = await LocalMedia.open({ engine: this.#o.engine, group, address: this.#o.address, offer: request.message.body, inbandDtmf: this.#o.inbandDtmf, sources: [request.source.address] });
    } catch {
      call.fail(FAILURES.noMedia);
      return null;
    }
    const answer = await media.answer(request.message.body).catch(() => ({ ok: false as const, error: 'no-audio' as const }));
    if (!answer.ok || call.state !== CallState.Routing) {
      await media.close();
      if (!answer.ok) call.fail(FAILURES.notAcceptable);
      return null;
    }
    return media;
  }

  /** a supervisor's digit switches the mode */
  dtmf(callId: string, leg: 'caller' | 'callee', digit: string): void {
    const monitor = this.#monitors.get(callId);
    const mode = MODE_DIGITS[digit];
    if (monitor === undefined || leg !== 'caller' || mode === undefined) return;
    const targetMedia = monitor.target.media;
    if (!(targetMedia instanceof CallMedia)) return;
    monitor.room.monitor({ supervisor: monitor.media.endpoint, agent: targetMedia.endpoint(monitor.agentSide), mode });
    this.#o.logger.info({ call: callId, mode }, 'monitoring mode changed');
  }

  /** any call ended: rooms let go of it, monitors of it end */
  ended(callId: string): void {
    for (const [endpointId, call] of this.#owners) if (call.id === callId) this.#owners.delete(endpointId);
    for (const [number, entry] of this.#rooms) if (entry.members.has(callId)) this.#leaveRoom(number, callId);
    if (this.#monitors.has(callId)) this.#stopMonitor(callId);
    for (const [supervisorId, monitor] of this.#monitors) {
      if (monitor.target.id !== callId) continue;
      this.#stopMonitor(supervisorId);
      void monitor.supervisor.hangup('system', 'monitored-call-ended');
    }
  }

  #leaveRoom(number: string, callId: string): void {
    const entry = this.#rooms.get(number);
    if (entry === undefined) return;
    entry.members.delete(callId);
    if (entry.members.size > 0) return;
    entry.room.close();
    this.#rooms.delete(number);
  }

  /** the monitored call goes back to its plain relay (or transcoder) */
  #stopMonitor(supervisorId: string): void {
    const monitor = this.#monitors.get(supervisorId);
    if (monitor === undefined) return;
    this.#monitors.delete(supervisorId);
    monitor.room.close();
  }
}
