// Rooms in a worker (real threads, loopback): every phone speaks its own tone as µ-law made by sox,
// and what each phone receives is decoded by sox and measured with a Goertzel filter at every
// tone's frequency, so "hears" and "does not hear" are levels, not our own mixer's output echoed.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { TestPhone, decodePcm, soxAvailable, synth, toneLevel } from './testing/phone.js';
import type { EndpointHandle, MediaFormat, MonitorMode } from './types.js';

const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
/** a sox sine at -6 dBFS peak is about 0.35 RMS; µ-law and mixing keep it well above this */
const HEARD = 0.1;
/** leakage of a tone that must not be heard (µ-law noise is far below) */
const SILENT = 0.01;

interface Party {
  readonly phone: TestPhone;
  readonly endpoint: EndpointHandle;
  readonly freq: number;
}

/** Goertzel levels at each frequency of what `phone` received between `fromMs` and `toMs` (arrival) */
function levels(phone: TestPhone, freqs: readonly number[], fromMs: number, toMs: number): number[] {
  const data = Buffer.concat(phone.received.filter((r) => r.payloadType === 0 && r.atMs >= fromMs && r.atMs < toMs).map((r) => r.payload));
  const pcm = decodePcm({ type: 'ul', data });
  return freqs.map((f) => toneLevel(pcm, 8000, f));
}

describe('media engine: rooms', { skip: soxAvailable() ? false : 'sox missing: apt-get install -y sox' }, () => {
  let engine: WorkerMediaEngine;
  let group = 0;
  before(async () => {
    const base = await freePortBlock(40);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 39, workers: 1 });
    await engine.start();
  });
  after(() => engine.close());

  async function parties(g: string, freqs: readonly number[]): Promise<Party[]> {
    const out: Party[] = [];
    for (const freq of freqs) {
      const phone = await TestPhone.open();
      const endpoint = await engine.createEndpoint({ group: g });
      endpoint.setRemote({ address: '127.0.0.1', rtpPort: phone.port });
      endpoint.setFormat(PCMU);
      out.push({ phone, endpoint, freq });
    }
    return out;
  }

  const speak = (ps: readonly Party[], seconds: number): Promise<void[]> =>
    Promise.all(ps.map((p) => p.phone.stream({ to: p.endpoint.rtpPort, data: synth({ type: 'ul', seconds, effect: ['sine', String(p.freq), 'vol', '0.5'] }), payloadType: 0, bytesPerPacket: 160 })));

  const close = async (ps: readonly Party[]): Promise<void> => {
    await Promise.all(ps.map((p) => p.endpoint.close()));
    for (const p of ps) p.phone.close();
  };

  it('a room of 3 at 8 kHz: each phone hears the two others and not itself', async () => {
    const g = `room${group++}`;
    const ps = await parties(g, [400, 800, 1200]);
    const room = engine.createRoom({ group: g });
    for (const p of ps) room.join(p.endpoint);
    const t0 = performance.now();
    await speak(ps, 2);
    const freqs = ps.map((p) => p.freq);
    for (const p of ps) {
      const heard = levels(p.phone, freqs, t0 + 400, t0 + 2000);
      freqs.forEach((f, i) => {
        if (f === p.freq) assert.ok(heard[i]! < SILENT, `${p.freq} Hz phone hears itself at ${heard[i]}`);
        else assert.ok(heard[i]! > HEARD, `${p.freq} Hz phone hears ${f} Hz only at ${heard[i]}`);
      });
    }
    room.close();
    await close(ps);
  });

  it('monitor: listen, whisper, barge switched mid-call decide who hears the supervisor (1200 Hz)', async () => {
    const g = `room${group++}`;
    const [caller, agent, supervisor] = await parties(g, [400, 800, 1200]);
    const room = engine.createRoom({ group: g });
    // listen is set before the caller joins: the caller, added later, must still not hear the supervisor
    room.join(agent!.endpoint);
    room.join(supervisor!.endpoint);
    room.monitor({ supervisor: supervisor!.endpoint, agent: agent!.endpoint, mode: 'listen' });
    room.join(caller!.endpoint);
    const t0 = performance.now();
    const talk = speak([caller!, agent!, supervisor!], 3.2);
    const modes: MonitorMode[] = ['listen', 'whisper', 'barge'];
    const switchAt = [0, 1000, 2000];
    for (let i = 1; i < modes.length; i++) {
      await new Promise((r) => setTimeout(r, t0 + switchAt[i]! - performance.now()));
      room.monitor({ supervisor: supervisor!.endpoint, agent: agent!.endpoint, mode: modes[i]! });
    }
    await talk;
    // media/types.ts: listen heard by none, whisper by the agent only, barge by all; the supervisor hears both always
    const expected: Record<MonitorMode, { agent: boolean; caller: boolean }> = {
      listen: { agent: false, caller: false },
      whisper: { agent: true, caller: false },
      barge: { agent: true, caller: true },
    };
    modes.forEach((mode, i) => {
      const from = t0 + switchAt[i]! + 300;
      const to = from + 600;
      const a1200 = levels(agent!.phone, [1200], from, to)[0]!;
      const c1200 = levels(caller!.phone, [1200], from, to)[0]!;
      const [s400, s800] = levels(supervisor!.phone, [400, 800], from, to);
      assert.equal(a1200 > HEARD, expected[mode].agent, `${mode}: agent hears the supervisor at ${a1200}`);
      assert.equal(c1200 > HEARD, expected[mode].caller, `${mode}: caller hears the supervisor at ${c1200}`);
      if (!expected[mode].agent) assert.ok(a1200 < SILENT, `${mode}: leak to the agent ${a1200}`);
      if (!expected[mode].caller) assert.ok(c1200 < SILENT, `${mode}: leak to the caller ${c1200}`);
      assert.ok(s400! > HEARD && s800! > HEARD, `${mode}: supervisor hears caller ${s400} and agent ${s800}`);
      // caller and agent hear each other in every mode
      assert.ok(levels(caller!.phone, [800], from, to)[0]! > HEARD, `${mode}: caller hears the agent`);
      assert.ok(levels(agent!.phone, [400], from, to)[0]! > HEARD, `${mode}: agent hears the caller`);
    });
    room.close();
    await close([caller!, agent!, supervisor!]);
  });
  it('mute: a muted member (400 Hz) is heard by nobody but still hears the room; unmuted it is heard again', async () => {
    const g = `room${group++}`;
    const ps = await parties(g, [400, 800, 1200]);
    const [muted, a, b] = ps as [Party, Party, Party];
    const room = engine.createRoom({ group: g });
    for (const p of ps) room.join(p.endpoint);
    room.mute(muted.endpoint, true);
    const t0 = performance.now();
    const talk = speak(ps, 2.4);
    await new Promise((r) => setTimeout(r, t0 + 1200 - performance.now()));
    room.mute(muted.endpoint, false);
    await talk;
    const mutedPart = [t0 + 300, t0 + 1100] as const;
    const openPart = [t0 + 1500, t0 + 2300] as const;
    for (const listener of [a, b]) {
      const heardMuted = levels(listener.phone, [400], ...mutedPart)[0]!;
      assert.ok(heardMuted < SILENT, `${listener.freq} Hz phone hears the muted member at ${heardMuted}`);
      const heardAgain = levels(listener.phone, [400], ...openPart)[0]!;
      assert.ok(heardAgain > HEARD, `${listener.freq} Hz phone hears the unmuted member only at ${heardAgain}`);
    }
    const [m800, m1200] = levels(muted.phone, [800, 1200], ...mutedPart);
    assert.ok(m800! > HEARD && m1200! > HEARD, `the muted member hears the room: ${m800}, ${m1200}`);
    room.close();
    await close(ps);
  });
});
