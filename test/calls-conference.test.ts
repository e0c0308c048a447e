// Acceptance: three real SIP phones (baresip) dial the conference room 3000 (Hailing answers it
// itself, FreeSWITCH's default room numbers). Each phone sends its own sine (400, 800, 1200 Hz);
// while all three are in the room, each phone's decoded dump must hold the two others' tones and not
// its own (a conference mix leaves each member out of what it hears); once the first hangs up, the
// two left still hear each other and no longer the one who left. The levels are measured by a
// Goertzel filter over samples sox reads (test/helpers/tones.ts); the records say ANSWERED, callee 3000.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { assertRecord, finalCallRecord } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { describeLevels, measureWallClock, type ToneLevels } from './helpers/tones.js';

const DOMAIN = '127.0.0.1';
const ROOM = '3000';
const TONES: Record<string, number> = { '1001': 400, '1002': 800, '1003': 1200 };
const ALL_HZ = Object.values(TONES);
/** how long all three stay in the room together, then the two left after one hung up */
const TOGETHER_MS = 4000;
const PAIR_MS = 3000;
/** not measured after each change: jitter buffers fill, the room's matrix changes */
const SETTLE_MS = 800;
/** a heard tone: a baresip ausine tone is about -10 dBFS, the mix may scale it; well above G.711 noise */
const HEARD_DB = -30;
/** a tone not heard (a member's own, one who left) must be this far below the weakest tone it hears (G.711 and mixing leave ~-40 dB products) */
const ABSENT_MARGIN_DB = 25;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('conference room: three baresip phones dial 3000', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    for (const n of Object.keys(TONES)) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill();
  });

  const registered = (user: string) =>
    registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: TONES[user]!, answerMode: 'auto' }, phones);

  it('each member hears the two others and not itself; after one leaves the other two still hear each other; the records are ANSWERED to 3000', async (t) => {
    const members = await Promise.all(Object.keys(TONES).map(async (user) => ({ user, phone: await registered(user) })));
    for (const m of members) {
      await m.phone.dial(`sip:${ROOM}@${DOMAIN}`);
      await m.phone.waitForEvent({ type: 'CALL_ESTABLISHED' });
    }
    const togetherAt = Date.now();
    await sleep(TOGETHER_MS);
    // the first member leaves; the room goes on for the two others
    const [leaver, ...stayers] = members;
    assert.ok(leaver);
    const leftAt = Date.now();
    await leaver.phone.hangup();
    await leaver.phone.waitForEvent({ type: 'CALL_CLOSED' });
    const pairAt = Date.now();
    await sleep(PAIR_MS);
    const pairEndAt = Date.now();
    for (const m of stayers) {
      await m.phone.hangup();
      await m.phone.waitForEvent({ type: 'CALL_CLOSED' });
    }

    /** what `user` heard from `from` to `to` (ms), leaving SETTLE_MS for jitter buffers and the room's change */
    const heard = async (user: string, from: number, to: number) => {
      const phone = members.find((m) => m.user === user)!.phone;
      const [dump] = phone.decodedDumps();
      const closed = phone.events.find((e) => e.type === 'CALL_CLOSED');
      assert.ok(dump && closed, `${user} wrote a decoded dump and its call closed`);
      const levels = await measureWallClock({ file: dump, hz: ALL_HZ, endedAt: closed.at, from: from + SETTLE_MS, to: to - 200, minS: 1.5 });
      assert.ok(levels, `${user}: the stretch ${from}-${to} lies outside its dump`);
      return levels;
    };
    const expectHeard = (user: string, what: string, levels: ToneLevels, hears: number[], not: number[]) => {
      const text = `${user} ${what}: ${describeLevels(levels)}`;
      t.diagnostic(text);
      for (const hz of hears) assert.ok(levels.levels.get(hz)! > HEARD_DB, `hears ${hz} Hz: ${text}`);
      const weakest = Math.min(...hears.map((hz) => levels.levels.get(hz)!));
      for (const hz of not) assert.ok(levels.levels.get(hz)! < weakest - ABSENT_MARGIN_DB, `does not hear ${hz} Hz: ${text}`);
    };

    for (const m of members) {
      const own = TONES[m.user]!;
      const levels = await heard(m.user, togetherAt, leftAt);
      expectHeard(m.user, 'with all three in the room', levels, ALL_HZ.filter((hz) => hz !== own), [own]);
    }
    for (const m of stayers) {
      const own = TONES[m.user]!;
      const levels = await heard(m.user, pairAt, pairEndAt);
      expectHeard(m.user, `after ${leaver.user} left`, levels, ALL_HZ.filter((hz) => hz !== own && hz !== TONES[leaver.user]), [own, TONES[leaver.user]!]);
    }

    for (const m of members) {
      const cdr = await finalCallRecord({ api: server.api, number: m.user });
      assertRecord(cdr, { caller: m.user, callee: ROOM, disposition: 'ANSWERED', hangupBy: 'caller', sipStatus: 200 });
    }
  });
});
