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
}

export class Room implements TickTarget {
  readonly id: string;
  readonly group: string;
  readonly rate: number;
  readonly frameSamples: number;
  readonly #mixer: Mixer;
  readonly #members = new Map<string, Member>();
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

  join(port: MediaPort): void {
    if (this.#members.has(port.id)) return;
    port.useRate(this.rate);
    port.mixed = true;
    port.addReader();
    port.ensureOutbound();
    this.#members.set(port.id, { port, slot: this.#mixer.add() });
  }

  leave(port: MediaPort): void {
    const member = this.#members.get(port.id);
    if (member === undefined) return;
    this.#members.delete(port.id);
    this.#mixer.remove(member.slot);
    port.mixed = false;
    port.removeReader();
  }

  monitor(supervisor: MediaPort, agent: MediaPort, mode: MonitorMode): boolean {
    const s = this.#members.get(supervisor.id);
    const a = this.#members.get(agent.id);
    if (s === undefined || a === undefined) return false;
    const others = [...this.#members.values()].filter((m) => m !== s && m !== a).map((m) => m.slot);
    applyMonitor(this.#mixer, { supervisor: s.slot, agent: a.slot, others, mode });
    return true;
  }

  tick(nowMs: number): void {
    const mixer = this.#mixer;
    const n = this.frameSamples;
    for (const m of this.#members.values()) {
      const active = m.port.pull(nowMs);
      mixer.input(m.slot).set(m.port.frame.subarray(0, n));
      mixer.setActive(m.slot, active);
    }
    mixer.mix();
    const out = this.#out;
    for (const m of this.#members.values()) {
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
