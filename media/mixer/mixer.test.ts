// Mixer: minus-self sums checked against sox's own mixer (`sox -m`, an independent implementation)
// and against constants added by hand; saturation; hearing matrix; slot reuse; monitoring modes.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Mixer, applyMonitor, type MonitorMode } from './index.js';

const RAW = ['-t', 'raw', '-r', '8000', '-e', 'signed-integer', '-b', '16', '-c', '1'];

describe('Mixer: sums against sox -m', () => {
  let dir = '';
  const file = (name: string): string => path.join(dir, `${name}.raw`);
  const read = (name: string): Int16Array => {
    const b = readFileSync(file(name));
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
  };
  /** one 20 ms frame made by sox: `sox -n FILE synth 0.02 <wave> <freq> vol <v>` */
  const synth = (name: string, wave: string, freq: number, vol: number): Int16Array => {
    execFileSync('sox', ['-n', ...RAW, file(name), 'synth', '0.02', wave, String(freq), 'vol', String(vol)]);
    return read(name);
  };
  /** sox's mix of the named frames at unity gain, without dither: exact sums, clipped to 16 bits */
  const soxMix = (names: string[]): Int16Array => {
    const out = names.join('+');
    execFileSync('sox', ['-D', '-m', ...names.flatMap((n) => ['-v', '1', ...RAW, file(n)]), ...RAW, file(out)], { stdio: 'ignore' });
    return read(out);
  };

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'mixer-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('each member hears the sum of the others, as sox mixes them (minus-self)', () => {
    const frames = { a: synth('a', 'sine', 600, 0.4), b: synth('b', 'sine', 1000, 0.3), c: synth('c', 'square', 250, 0.5) };
    assert.equal(frames.a.length, 160);
    const m = new Mixer({ frameSamples: 160 });
    const slots = { a: m.add(), b: m.add(), c: m.add() };
    const listener = m.add(); // a silent fourth member (muted phone) hears all three
    m.setActive(listener, false);
    for (const k of ['a', 'b', 'c'] as const) m.input(slots[k]).set(frames[k]);
    m.mix();
    assert.deepEqual(m.output(slots.a), soxMix(['b', 'c']));
    assert.deepEqual(m.output(slots.b), soxMix(['a', 'c']));
    assert.deepEqual(m.output(slots.c), soxMix(['a', 'b']));
    // a+b+c exceeds 16 bits in places: sox clips there, and so must we
    assert.deepEqual(m.output(listener), soxMix(['a', 'b', 'c']));
  });
});

describe('Mixer: sums by hand', () => {
  const constant = (m: Mixer, slot: number, v: number): void => void m.input(slot).fill(v);
  const heard = (m: Mixer, slot: number): number => {
    const out = m.output(slot);
    for (let i = 1; i < out.length; i++) assert.equal(out[i], out[0], 'a constant input mixes to a constant');
    return out[0]!;
  };

  it('three constants: 1000, 2000, -3000 give 2000+(-3000), 1000+(-3000), 1000+2000', () => {
    const m = new Mixer({ frameSamples: 320 });
    const [a, b, c] = [m.add(), m.add(), m.add()];
    constant(m, a, 1000);
    constant(m, b, 2000);
    constant(m, c, -3000);
    m.mix();
    assert.equal(heard(m, a), -1000);
    assert.equal(heard(m, b), -2000);
    assert.equal(heard(m, c), 3000);
  });

  it('saturates at 32767 and -32768 instead of wrapping', () => {
    const m = new Mixer({ frameSamples: 160 });
    const [a, b, c, d] = [m.add(), m.add(), m.add(), m.add()];
    constant(m, a, 30000);
    constant(m, b, 30000);
    constant(m, c, -32768);
    constant(m, d, -32768);
    m.mix();
    assert.equal(heard(m, a), -32768); // 30000 - 32768 - 32768 = -35536
    // 30000 + 30000 - 32768: clamping only the final sum (not 60000 on the way) keeps it exact
    assert.equal(heard(m, c), 27232);
    m.setActive(c, false);
    m.setActive(d, false);
    m.mix();
    assert.equal(heard(m, c), 32767); // 60000
  });

  it('an inactive member is heard by nobody but still hears', () => {
    const m = new Mixer({ frameSamples: 160 });
    const [a, b, c] = [m.add(), m.add(), m.add()];
    constant(m, a, 100);
    constant(m, b, 200);
    constant(m, c, 400);
    m.setActive(c, false);
    m.mix();
    assert.equal(heard(m, a), 200);
    assert.equal(heard(m, b), 100);
    assert.equal(heard(m, c), 300);
    m.setActive(c, true);
    m.setActive(a, false);
    m.mix();
    assert.equal(heard(m, a), 600);
    assert.equal(heard(m, b), 400);
    assert.equal(heard(m, c), 200);
    m.setActive(b, false);
    m.setActive(c, false);
    m.mix();
    assert.equal(heard(m, a), 0);
  });

  it('setHears: one listener missing one speaker (sum minus two) and one hearing only one (added alone)', () => {
    const m = new Mixer({ frameSamples: 160 });
    const s = [m.add(), m.add(), m.add(), m.add(), m.add(), m.add()];
    s.forEach((slot, i) => constant(m, slot, 1 << i)); // 1, 2, 4, 8, 16, 32
    m.setHears(s[0]!, s[5]!, false);
    for (const other of s.slice(2)) m.setHears(s[1]!, other, false);
    m.mix();
    assert.equal(heard(m, s[0]!), 2 + 4 + 8 + 16);
    assert.equal(heard(m, s[1]!), 1);
    assert.equal(heard(m, s[2]!), 63 - 4);
    m.setHears(s[1]!, s[0]!, false);
    m.mix();
    assert.equal(heard(m, s[1]!), 0);
    assert.equal(m.hears(s[1]!, s[1]!), false);
    m.setHears(s[1]!, s[1]!, true); // a member never hears itself
    assert.equal(m.hears(s[1]!, s[1]!), false);
  });

  it('reuses a removed slot, with fresh input, output and default hearing; refuses past capacity', () => {
    const m = new Mixer({ frameSamples: 160, capacity: 3 });
    const [a, b, c] = [m.add(), m.add(), m.add()];
    assert.equal(m.add(), -1);
    m.setHears(a, b, false);
    m.setHears(b, a, false);
    constant(m, b, 777);
    m.remove(b);
    assert.equal(m.size, 2);
    const again = m.add();
    assert.equal(again, b);
    assert.ok(m.input(again).every((v) => v === 0));
    assert.ok(m.hears(a, again) && m.hears(again, a) && m.hears(c, again));
    constant(m, a, 10);
    constant(m, again, 20);
    constant(m, c, 40);
    m.mix();
    assert.equal(heard(m, a), 60);
    assert.equal(heard(m, again), 50);
    m.remove(again);
    m.remove(again); // twice is harmless
    m.mix();
    assert.equal(heard(m, a), 40);
    assert.equal(heard(m, c), 10);
  });
});

describe('Mixer roles: supervisor monitoring', () => {
  // agent 1, customer 2, third party 4, supervisor 8: what a member hears is the set of bits heard
  const setup = () => {
    const m = new Mixer({ frameSamples: 160 });
    const agent = m.add();
    const customer = m.add();
    const third = m.add();
    const supervisor = m.add();
    [agent, customer, third, supervisor].forEach((slot, i) => m.input(slot).fill(1 << i));
    const apply = (mode: MonitorMode): Record<string, number> => {
      applyMonitor(m, { supervisor, agent, others: [customer, third], mode });
      m.mix();
      return { agent: m.output(agent)[0]!, customer: m.output(customer)[0]!, third: m.output(third)[0]!, supervisor: m.output(supervisor)[0]! };
    };
    return { apply };
  };

  it('listen: the supervisor hears the agent and the others and is heard by none', () => {
    assert.deepEqual(setup().apply('listen'), { agent: 2 + 4, customer: 1 + 4, third: 1 + 2, supervisor: 1 + 2 + 4 });
  });

  it('whisper: the supervisor hears all and is heard by the agent only (the customer does not hear the whisper)', () => {
    assert.deepEqual(setup().apply('whisper'), { agent: 2 + 4 + 8, customer: 1 + 4, third: 1 + 2, supervisor: 1 + 2 + 4 });
  });

  it('barge: the supervisor hears all and is heard by all', () => {
    assert.deepEqual(setup().apply('barge'), { agent: 2 + 4 + 8, customer: 1 + 4 + 8, third: 1 + 2 + 8, supervisor: 1 + 2 + 4 });
  });

  it('switches between modes in any order', () => {
    const { apply } = setup();
    for (const mode of ['barge', 'listen', 'whisper', 'barge', 'whisper', 'listen', 'listen'] as const) {
      const expected = {
        listen: { agent: 6, customer: 5, third: 3, supervisor: 7 },
        whisper: { agent: 14, customer: 5, third: 3, supervisor: 7 },
        barge: { agent: 14, customer: 13, third: 11, supervisor: 7 },
      }[mode];
      assert.deepEqual(apply(mode), expected, mode);
    }
  });
});
