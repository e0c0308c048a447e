// Everything a media worker holds besides the relay itself: per-endpoint media settings, the
// two-party transcoders it sets up when connected endpoints speak different codecs, rooms
// (conferences, supervisor monitoring), playback and recordings, all driven by one 20 ms Ticker.
import { Room } from '../session/room.js';
import { Playback } from '../session/playback.js';
import { Ticker, type TickTarget } from '../session/ticker.js';
import { RtcpTick } from '../session/rtcp-tick.js';
import { SpeechTaps } from '../session/speech-tap.js';
import { sameFormat, sessionRateFor } from '../session/formats.js';
import type { DtmfClock, MediaPort } from '../session/port.js';
import type { FromMediaWorker, ToMediaWorker } from './protocol.js';
import { WorkerRecordings } from './recordings.js';

/** What the sessions need of the worker's endpoints: the shared port base with its relay pairing. */
export type PairedPort = MediaPort;

type Command<T extends ToMediaWorker['type']> = Extract<ToMediaWorker, { type: T }>;

export class WorkerSessions {
  readonly #ports: Map<string, PairedPort>;
  readonly #post: (message: FromMediaWorker) => void;
  readonly #ticker: Ticker;
  readonly #rooms = new Map<string, Room>();
  /** port id → the room it is in (explicit rooms and transcoders alike) */
  readonly #roomOf = new Map<string, Room>();
  readonly #transcoders = new Set<Room>();
  readonly #recordings: WorkerRecordings;
  /** ports whose playback runs outside any room */
  readonly #players = new Map<string, TickTarget>();
  /** ports decoded only for in-band DTMF (a relayed call): pulled each tick so the detector hears them */
  readonly #inbandPullers = new Map<string, TickTarget>();
  /** RFC 4733 receivers with an event open, ticked so a lost end is noticed (port.tickDtmf) */
  readonly #openEvents = new Set<PairedPort>();
  readonly #dtmfTick: TickTarget = {
    tick: (now) => {
      for (const p of this.#openEvents) if (!p.tickDtmf(now)) this.#openEvents.delete(p);
      if (this.#openEvents.size === 0) this.#ticker.delete(this.#dtmfTick);
    },
  };
  readonly #dtmfClock: DtmfClock = {
    wake: (p) => {
      this.#openEvents.add(p);
      this.#drive(this.#dtmfTick);
    },
  };

  readonly #rtcpTick: RtcpTick;
  /** PCM taps to the speech process, one per endpoint */
  readonly #speechTaps: SpeechTaps;

  constructor(options: { readonly ports: Map<string, PairedPort>; readonly post: (message: FromMediaWorker) => void }) {
    this.#ports = options.ports;
    this.#post = options.post;
    this.#ticker = new Ticker({
      onError: (err) => this.#post({ type: 'log', level: 'error', fields: { err: String(err) }, msg: 'media session failed; it was stopped' }),
    });
    this.#rtcpTick = new RtcpTick({ ticker: this.#ticker, ports: this.#ports });
    this.#recordings = new WorkerRecordings({ ports: this.#ports, post: this.#post, drive: (t) => this.#drive(t), undrive: (t) => this.#ticker.delete(t) });
    this.#speechTaps = new SpeechTaps({
      drive: (t) => this.#ticker.add(t),
      undrive: (t) => this.#ticker.delete(t),
      ended: (endpointId, stream, f) => {
        const group = this.#ports.get(endpointId)?.group ?? '';
        this.#post({ type: 'speech-tap-ended', endpointId, group, stream, framesSent: f.framesSent, framesDropped: f.framesDropped, error: f.error });
      },
    });
  }

  /** a new pairing, a new format or a room change: relay when the codecs match, else transcode */
  reconcile(port: PairedPort): void {
    const peer = port.peer;
    const explicit = (p: PairedPort): boolean => {
      const room = this.#roomOf.get(p.id);
      return room !== undefined && !this.#transcoders.has(room);
    };
    const current = this.#roomOf.get(port.id);
    const needs =
      peer !== null && peer.peer === port && !explicit(port) && !explicit(peer) && port.format !== null && peer.format !== null &&
      (port.alwaysDecode === true || peer.alwaysDecode === true || !sameFormat(port.format, peer.format));
    if (current !== undefined && this.#transcoders.has(current)) {
      const keep = needs && current.has(peer!) && current.rate === sessionRateFor(port.format!, peer!.format!);
      if (keep) return;
      this.#closeRoom(current);
    }
    if (needs) {
      const room = new Room({ id: `tx:${port.id}`, group: port.group, rate: sessionRateFor(port.format!, peer!.format!) });
      this.#transcoders.add(room);
      this.#enter(room, port);
      this.#enter(room, peer!);
      this.#drive(room);
    }
    // pass-through of one codec under two payload numbers (dynamic types, RFC 3551 §3): rewrite the byte
    for (const p of peer === null ? [port] : [port, peer]) {
      const other = p.peer;
      p.relayPayloadType = p.format !== null && other?.format != null && p.format.payloadType !== other.format.payloadType ? p.format.payloadType : -1;
    }
  }

  handle(message: ToMediaWorker): boolean {
    switch (message.type) {
      case 'set-format':
        return this.#withPort(message.endpointId, (p) => {
          p.dtmfClock = this.#dtmfClock;
          p.setFormat(message.format);
          this.reconcile(p);
        });
      case 'inband-dtmf':
        return this.#withPort(message.endpointId, (p) => this.#inbandDtmf(p, message.on));
      case 'send-dtmf':
        return this.#withPort(message.endpointId, (p) => this.#sendDtmf(p, message));
      case 'play':
        return this.#withPort(message.endpointId, (p) => this.#play(p, message));
      case 'stop-play':
        return this.#withPort(message.endpointId, (p) => p.playback?.stop());
      case 'room-create':
        if (!this.#rooms.has(message.roomId)) {
          const room = new Room({ id: message.roomId, group: message.group, rate: message.rate });
          this.#rooms.set(message.roomId, room);
          this.#drive(room);
        }
        return true;
      case 'room-join':
        return this.#withRoom(message.roomId, message.endpointId, (room, p) => {
          const before = this.#roomOf.get(p.id);
          if (before !== undefined && before !== room) {
            if (this.#transcoders.has(before)) this.#closeRoom(before);
            else this.#exit(before, p);
          }
          this.#enter(room, p);
        });
      case 'room-leave':
        return this.#withRoom(message.roomId, message.endpointId, (room, p) => {
          this.#exit(room, p);
          this.reconcile(p);
        });
      case 'room-monitor': {
        const room = this.#rooms.get(message.roomId);
        const s = this.#ports.get(message.supervisor);
        const a = this.#ports.get(message.agent);
        if (room && s && a) room.monitor(s, a, message.mode);
        return true;
      }
      case 'room-mute': {
        const p = this.#ports.get(message.endpointId);
        if (p !== undefined) this.#rooms.get(message.roomId)?.mute(p, message.muted);
        return true;
      }
      case 'room-close': {
        const room = this.#rooms.get(message.roomId);
        if (room === undefined) return true;
        const members = [...this.#roomOf].filter(([, r]) => r === room).map(([id]) => this.#ports.get(id));
        this.#closeRoom(room);
        // a monitored call goes back to its relay (or transcoder) once the supervisor's room is gone
        for (const p of members) if (p !== undefined) this.reconcile(p);
        return true;
      }
      case 'speech-tap':
        if (message.socket === null) this.#speechTaps.stop(message.endpointId, message.stream);
        else {
          const socket = message.socket;
          this.#withPort(message.endpointId, (p) => this.#speechTaps.start(p, socket, message.stream));
        }
        return true;
      case 'record-start':
        this.#recordings.start(message);
        return true;
      case 'record-pause':
        this.#recordings.pause(message);
        return true;
      case 'record-attach':
        this.#recordings.attach(message);
        return true;
      case 'record-stop':
        void this.#recordings.stop(message);
        return true;
      default:
        return false;
    }
  }

  /** an endpoint is closing: its rooms, playback and recordings let go of it */
  forget(port: PairedPort): void {
    const room = this.#roomOf.get(port.id);
    if (room !== undefined) {
      if (this.#transcoders.has(room)) this.#closeRoom(room);
      else this.#exit(room, port);
    }
    const player = this.#players.get(port.id);
    if (player !== undefined) this.#ticker.delete(player);
    this.#players.delete(port.id);
    const puller = this.#inbandPullers.get(port.id);
    if (puller !== undefined) this.#ticker.delete(puller);
    this.#inbandPullers.delete(port.id);
    this.#openEvents.delete(port);
    this.#speechTaps.stopPort(port.id);
    port.dtmfClock = null;
    this.#recordings.forget(port);
  }

  close(): void {
    this.#speechTaps.stopAll();
    this.#recordings.close();
    this.#ticker.stop();
  }

  /** a target on the 20 ms clock, and RTCP checks (rtcp-tick.ts) with it */
  #drive(target: TickTarget): void {
    this.#ticker.add(target);
    this.#ticker.add(this.#rtcpTick);
  }

  #withPort(id: string, f: (p: PairedPort) => void): true {
    const p = this.#ports.get(id);
    if (p !== undefined) f(p);
    return true;
  }

  #withRoom(roomId: string, endpointId: string, f: (room: Room, p: PairedPort) => void): true {
    const room = this.#rooms.get(roomId);
    const p = this.#ports.get(endpointId);
    if (room !== undefined && p !== undefined) f(room, p);
    return true;
  }

  #enter(room: Room, port: PairedPort): void {
    if (room.join(port)) this.#roomOf.set(port.id, room);
    else this.#post({ type: 'log', level: 'warn', fields: { endpointId: port.id, roomId: room.id }, msg: 'room is full: endpoint not joined' });
  }

  /** in-band detection reads decoded audio: outside rooms and recordings nothing else pulls it */
  #inbandDtmf(port: PairedPort, on: boolean): void {
    port.setInbandDtmf(on);
    const puller = this.#inbandPullers.get(port.id);
    if (on && puller === undefined) {
      // pull() decodes once per tick however many read it, so a room or recording reading too costs nothing more
      const target: TickTarget = { tick: (now) => void port.pull(now) };
      this.#inbandPullers.set(port.id, target);
      this.#drive(target);
    } else if (!on && puller !== undefined) {
      this.#ticker.delete(puller);
      this.#inbandPullers.delete(port.id);
    }
  }

  #exit(room: Room, port: PairedPort): void {
    room.leave(port);
    if (this.#roomOf.get(port.id) === room) this.#roomOf.delete(port.id);
  }

  #closeRoom(room: Room): void {
    this.#ticker.delete(room);
    for (const [id, r] of this.#roomOf) if (r === room) this.#roomOf.delete(id);
    room.close();
    this.#rooms.delete(room.id);
    this.#transcoders.delete(room);
  }

  #sendDtmf(port: PairedPort, message: Command<'send-dtmf'>): void {
    if (port.sendDtmf(message.digits, message.durationMs)) this.#driveOutside(port);
    // no telephone-event negotiated: the tones go in-band, played over the peer's audio like a prompt
    else this.#play(port, { type: 'play', endpointId: port.id, playId: 'dtmf', item: { dtmf: { digits: message.digits, durationMs: message.durationMs } } });
  }

  #play(port: PairedPort, message: Command<'play'>): void {
    port.playback?.stop();
    const playback = new Playback({
      id: message.playId,
      item: message.item,
      rate: port.rate,
      onEnd: (reason) => {
        if (port.playback === playback) port.playback = null;
        this.#post({ type: 'play-done', endpointId: port.id, group: port.group, playId: message.playId, reason });
      },
    });
    port.playback = playback;
    port.ensureOutbound();
    this.#driveOutside(port);
  }

  /** a port outside rooms needs the tick for playback or outgoing DTMF */
  #driveOutside(port: PairedPort): void {
    if (this.#roomOf.has(port.id) || this.#players.has(port.id)) return;
    const target: TickTarget = {
      tick: (now) => {
        if (this.#roomOf.has(port.id)) return;
        if (port.playback === null && !port.outboundBusy) {
          this.#ticker.delete(target);
          this.#players.delete(port.id);
          return;
        }
        port.tickOutside(now);
      },
    };
    this.#players.set(port.id, target);
    this.#drive(target);
  }
}
