// A mixing room inside a worker: each tick every member's decoded frame goes into the mixer, and
// each member is sent its own mix (minus itself; the supervisor matrices decide who hears whom).
// A two-member room is how a call whose legs share no codec is transcoded.
import { Mixer, applyMonitor } from '../mixer/index.js';
import type { MediaPort } from './port.js';
import type { TickTarget } from './ticker.js';
import type { MonitorMode } from '../types.js';

interface Member {
  readonly port: MediaPort;
  readonly slot: number;
  /** the port's frame cut to the room's size, made once (a view per tick would allocate) */
  readonly frame: Int16Array;
  /** heard by nobody while set (it still hears the room) */
  muted: boolean;
}

interface Monitoring {
  readonly supervisor: string;
  readonly agent: string;
  readonly mode: MonitorMode;
}

export class Room implements TickTarget {
  readonly id: string;
  readonly group: string;
  readonly rate: number;
  readonly frameSamples: number;
  readonly #mixer: Mixer;
  readonly #members = new Map<string, Member>();
  /** the same members as a plain array: the tick walks it without an iterator object */
  #list: Member[] = [];
  #monitoring: Monitoring | null = null;
  readonly #out: Int16Array;

  constructor(options: { readonly id: string; readonly group: string; readonly rate: number }) {
    this.id = options.id;
    this.group = options.group;
    this.rate = options.rate;
    this.frameSamples = options.rate / 50;
    this.#mixer = new Mixer({ frameSamples: this.frameSamples });
    this.#out = new Int16Array(this.frameSamples);
  }

  get size(): number {
    return this.#members.size;
  }

  has(port: MediaPort): boolean {
    return this.#members.has(port.id);
  }

  /** false when the mixer is full (the port stays as it was) */
  join(port: MediaPort): boolean {
    if (this.#members.has(port.id)) return true;
    const slot = this.#mixer.add();
    if (slot < 0) return false;
    port.useRate(this.rate);
    port.mixed = true;
    port.addReader();
    port.ensureOutbound();
    this.#members.set(port.id, { port, slot, frame: port.frame.subarray(0, this.frameSamples), muted: false });
    this.#list = [...this.#members.values()];
    // a member added later hears the supervisor by default (mixer/roles.ts): apply the mode again
    this.#applyMonitor();
    return true;
  }

  leave(port: MediaPort): void {
    const member = this.#members.get(port.id);
    if (member === undefined) return;
    this.#members.delete(port.id);
    this.#list = [...this.#members.values()];
    this.#mixer.remove(member.slot);
    port.mixed = false;
    port.removeReader();
    const m = this.#monitoring;
    if (m !== null && (m.supervisor === port.id || m.agent === port.id)) this.#monitoring = null;
  }

  /** false when the port is not a member */
  mute(port: MediaPort, muted: boolean): boolean {
    const member = this.#members.get(port.id);
    if (member === undefined) return false;
    member.muted = muted;
    return true;
  }

  monitor(supervisor: MediaPort, agent: MediaPort, mode: MonitorMode): boolean {
    if (!this.#members.has(supervisor.id) || !this.#members.has(agent.id)) return false;
    this.#monitoring = { supervisor: supervisor.id, agent: agent.id, mode };
    this.#applyMonitor();
    return true;
  }

  #applyMonitor(): void {
    const m = this.#monitoring;
    if (m === null) return;
    const s = this.#members.get(m.supervisor);
    const a = this.#members.get(m.agent);
    if (s === undefined || a === undefined) return;
    const others = this.#list.filter((x) => x !== s && x !== a).map((x) => x.slot);
    applyMonitor(this.#mixer, { supervisor: s.slot, agent: a.slot, others, mode: m.mode });
  }

  tick(nowMs: number): void {
    const mixer = this.#mixer;
    const list = this.#list;
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      const active = m.port.pull(nowMs);
      mixer.input(m.slot).set(m.frame);
      // an inactive slot is summed into nobody's mix: that is what muting a member means
      mixer.setActive(m.slot, active && !m.muted);
    }
    mixer.mix();
    const out = this.#out;
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      const playback = m.port.playback;
      // a prompt or music on hold replaces what the member would hear from the room
      if (playback !== null && playback.read(out)) m.port.send(out);
      else m.port.send(mixer.output(m.slot));
    }
  }

  close(): void {
    for (const m of [...this.#members.values()]) this.leave(m.port);
  }
}
