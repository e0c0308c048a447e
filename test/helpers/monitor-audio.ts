// What each party of a monitored call must hear in each supervisor mode, measured from baresip's
// decoded dumps over wall-clock stretches (the dumps are continuous, so moments map into each file).
// Shared by the plain-call monitoring test and the ACD queue-call one.
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';
import type { Phone } from './baresip.js';
import { describeLevels, measureWallClock, type ToneLevels } from './tones.js';

export type Mode = 'listen' | 'whisper' | 'barge' | 'relay';
/** each mode is held this long; the first SETTLE_MS of it are not measured (jitter buffers, the switch) */
export const MODE_MS = 3000;
export const SETTLE_MS = 800;
/** a heard tone (baresip's ausine is about -6 dBFS; G.711 noise and mixing products sit below -40) */
const HEARD_DB = -30;
/** not heard: this far below the weakest tone the phone hears */
const ABSENT_MARGIN_DB = 25;

export type Expectations = Record<Mode, Record<string, { hears: string[]; not: string[] }>>;

/** who must hear whose tone in each mode (the supervisor never hears itself) */
export function monitorExpectations(o: { customer: string; agent: string; supervisor: string }): Expectations {
  const { customer: c, agent: a, supervisor: s } = o;
  return {
    listen: { [s]: { hears: [c, a], not: [s] }, [c]: { hears: [a], not: [s] }, [a]: { hears: [c], not: [s] } },
    whisper: { [s]: { hears: [c, a], not: [s] }, [c]: { hears: [a], not: [s] }, [a]: { hears: [c, s], not: [] } },
    barge: { [s]: { hears: [c, a], not: [s] }, [c]: { hears: [a, s], not: [] }, [a]: { hears: [c, s], not: [] } },
    relay: { [c]: { hears: [a], not: [s] }, [a]: { hears: [c], not: [s] } },
  };
}

/** A stretch of wall-clock time in which one mode held, named for messages. */
export interface Stretch {
  readonly what: string;
  readonly mode: Mode;
  readonly from: number;
  readonly to: number;
  /** which of the supervisor's calls (its dumps and CALL_CLOSED events, in order) was up; null: none */
  readonly supervisorCall: number | null;
}

/** The levels a phone heard during `stretch` in its `call`-th call (its dumps and CALL_CLOSED events, in order). */
export async function heardDuring(o: { phone: Phone; call: number; stretch: Stretch; hz: readonly number[] }): Promise<ToneLevels> {
  const dump = o.phone.decodedDumps()[o.call];
  const closed = o.phone.events.filter((e) => e.type === 'CALL_CLOSED')[o.call];
  assert.ok(dump && closed, `call ${o.call}: a dump and a CALL_CLOSED (dumps: ${o.phone.decodedDumps().join(', ')})`);
  const levels = await measureWallClock({ file: dump, hz: [...o.hz], endedAt: closed.at, from: o.stretch.from + SETTLE_MS, to: o.stretch.to - 200, minS: 1.5 });
  assert.ok(levels, `${o.stretch.what}: the stretch lies outside ${dump}`);
  return levels;
}

export function assertHeard(o: { t: TestContext; who: string; stretch: Stretch; heard: ToneLevels; hz: Readonly<Record<string, number>>; expect: Expectations }): void {
  const expected = o.expect[o.stretch.mode][o.who]!;
  const text = `${o.who} during ${o.stretch.what}: ${describeLevels(o.heard)}`;
  o.t.diagnostic(text);
  const level = (ext: string) => o.heard.levels.get(o.hz[ext]!)!;
  for (const ext of expected.hears) assert.ok(level(ext) > HEARD_DB, `hears ${ext} (${o.hz[ext]} Hz): ${text}`);
  const weakest = Math.min(...expected.hears.map(level));
  for (const ext of expected.not) assert.ok(level(ext) < weakest - ABSENT_MARGIN_DB, `does not hear ${ext} (${o.hz[ext]} Hz): ${text}`);
}
