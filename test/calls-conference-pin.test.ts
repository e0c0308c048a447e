// Acceptance: conference rooms with PINs (ConfBridge's pin, marked and wait_marked), with real
// phones (baresip, DTMF as RFC 4733 events keyed over ctrl_tcp) against the real process. Rooms are
// set up through /api/v1/conference-rooms. A caller keying a wrong PIN three times is hung up by
// Hailing (the record says why); two callers keying the right PIN hear each other's tone and not
// their own; with wait-for-moderator two participants hear music on hold and not each other until
// the moderator (who keyed the moderator PIN) joins, then all three hear each other. Levels are
// Goertzel measurements of each phone's decoded dump (test/helpers/tones.ts), as
// calls-conference.test.ts measures them. Tones avoid the default music-on-hold melody's notes.
// In the room, 1 and *1 mute, a moderator's 2 and *2 lock; PIN digits go out redacted on the events stream.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { speechExtent } from './helpers/audio.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { assertRecord, finalCallRecord } from './helpers/cdrs.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { describeLevels, measureWallClock, type ToneLevels } from './helpers/tones.js';

const DOMAIN = '127.0.0.1';
const TONES: Record<string, number> = { '1001': 400, '1002': 1300, '1003': 1700, '1004': 400, '1005': 1300, '1006': 1700 };
const ALL_HZ = [400, 1300, 1700];
const PIN = '2468';
const MODERATOR_PIN = '13579';
/** well above G.711 noise; a tone not heard is this far below the one heard (calls-conference.test.ts's figures) */
const HEARD_DB = -30;
const ABSENT_MARGIN_DB = 25;
/** jitter buffers and the room's change settle before a stretch is measured */
const SETTLE_MS = 800;
const STRETCH_MS = 3500;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type DtmfEvent = { type: 'dtmf'; caller: string; digit?: string; redacted?: boolean };
type LiveRooms = { items: { room: string; locked: boolean; members: { number: string; moderator: boolean; waiting: boolean; muted: boolean }[] }[] };

describe('conference rooms with PINs: baresip phones key them as RFC 4733 events', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];
  let ws: WebSocket | undefined;
  /** the events stream's DTMF events, as a supervisor's screen gets them */
  const dtmf: DtmfEvent[] = [];

  before(async () => {
    server = await startHailing();
    for (const n of Object.keys(TONES)) {
      const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    for (const room of [
      { room: '3005', participantPin: PIN },
      { room: '3006', participantPin: PIN, moderatorPin: MODERATOR_PIN, waitForModerator: true },
    ]) {
      const r = await server.api('POST', '/api/v1/conference-rooms', room);
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    ws = new WebSocket(`${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await server.token()}` } });
    await new Promise<void>((resolve, reject) => {
      ws!.once('open', () => resolve());
      ws!.once('error', reject);
    });
    ws.on('message', (data: Buffer) => {
      const e = JSON.parse(data.toString('utf8')) as DtmfEvent;
      if (e.type === 'dtmf') dtmf.push(e);
    });
  });

  after(async () => {
    ws?.close();
    await stopPhones(phones);
    await server?.kill();
  });

  const started = new Map<string, Phone>();
  /** one phone per extension for the whole suite: a later call from it writes a dump of its own */
  const phone = async (user: string) => started.get(user) ?? started.set(user, await registerPhone(user)).get(user)!;
  const registerPhone = (user: string) => registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: TONES[user]!, answerMode: 'auto' }, phones);
  const live = async (room: string) => (await server.api<LiveRooms>('GET', '/api/v1/conferences')).body.items.find((r) => r.room === room);
  const members = async (room: string) => (await server.api<LiveRooms>('GET', '/api/v1/conferences')).body.items.find((r) => r.room === room)?.members ?? [];
  /** polls the live view until `ok` holds (bounded) */
  const until = async (what: string, ok: () => Promise<boolean>) => {
    const deadline = Date.now() + 20_000;
    while (!(await ok())) {
      assert.ok(Date.now() < deadline, `never: ${what}`);
      await sleep(100);
    }
  };
  /** dials the room and keys `pin` and '#' once the call is up */
  const enter = async (p: Phone, room: string, pin: string) => {
    const since = p.events.length;
    await p.dial(`sip:${room}@${DOMAIN}`);
    await p.waitForEvent({ type: 'CALL_ESTABLISHED', since });
    for (const d of `${pin}#`) await p.sendDigits(d);
  };
  /** what `p` heard on its first call in [from, to) (wall clock), after that call closed */
  const heard = async (p: Phone, from: number, to: number) => {
    const [dump] = p.decodedDumps();
    const closed = p.events.find((e) => e.type === 'CALL_CLOSED');
    assert.ok(dump && closed, 'a decoded dump and a closed call');
    const levels = await measureWallClock({ file: dump, hz: ALL_HZ, endedAt: closed.at, from: from + SETTLE_MS, to: to - 200, minS: 1.5 });
    assert.ok(levels, `the stretch ${from}-${to} lies outside the dump`);
    return levels;
  };
  const hangUp = async (...ps: Phone[]) => {
    for (const p of ps) {
      const since = p.events.length;
      await p.hangup();
      await p.waitForEvent({ type: 'CALL_CLOSED', since });
    }
  };

  it('a wrong PIN keyed three times: Hailing says goodbye and hangs up, the record says conference-pin-failed', async () => {
    const caller = await phone('1001');
    await caller.dial(`sip:3005@${DOMAIN}`);
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED' });
    for (const wrong of ['1111', '2222', '9999']) {
      for (const d of `${wrong}#`) await caller.sendDigits(d);
      await sleep(500);
    }
    const closed = await caller.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 30_000 });
    assert.equal((await members('3005')).length, 0, 'nobody joined the room');
    // the prompts (TTS: "please enter the conference PIN", "... goodbye") were spoken to it
    const [dump] = caller.decodedDumps();
    assert.ok(dump, 'a decoded dump');
    const spoken = speechExtent(dump);
    assert.ok(spoken.lengthS > 1.5 && spoken.rms > 0.01, `the caller heard the prompts: ${JSON.stringify(spoken)}`);
    const cdr = await finalCallRecord({ api: server.api, number: '1001' });
    assertRecord(cdr, { caller: '1001', callee: '3005', disposition: 'ANSWERED', hangupBy: 'system', sipStatus: 200 });
    assert.equal(cdr.hangupCause, 'conference-pin-failed', JSON.stringify(closed));
  });

  it('the right PIN joins: two members hear each other and not themselves', async (t) => {
    const [a, b] = [await phone('1002'), await phone('1003')];
    await enter(a, '3005', PIN);
    await enter(b, '3005', PIN);
    await until('both in room 3005', async () => (await members('3005')).length === 2);
    const together = Date.now();
    await sleep(STRETCH_MS);
    const end = Date.now();
    await hangUp(a, b);
    for (const [p, own, other] of [[a, 1300, 1700], [b, 1700, 1300]] as const) {
      const levels = await heard(p, together, end);
      t.diagnostic(`${own} Hz phone: ${describeLevels(levels)}`);
      assert.ok(levels.levels.get(other)! > HEARD_DB, `hears the other member (${other} Hz): ${describeLevels(levels)}`);
      assert.ok(levels.levels.get(own)! < levels.levels.get(other)! - ABSENT_MARGIN_DB, `does not hear itself: ${describeLevels(levels)}`);
    }
    const cdr = await finalCallRecord({ api: server.api, number: '1002' });
    assertRecord(cdr, { caller: '1002', callee: '3005', disposition: 'ANSWERED', hangupBy: 'caller', sipStatus: 200 });
  });

  it('wait for moderator: participants hear music on hold and not each other until the moderator joins, then all hear each other', async (t) => {
    const [p, q, m] = [await phone('1004'), await phone('1005'), await phone('1006')];
    await enter(p, '3006', PIN);
    await enter(q, '3006', PIN);
    await until('two participants waiting in 3006', async () => {
      const now = await members('3006');
      return now.length === 2 && now.every((x) => x.waiting && !x.moderator);
    });
    // the "waiting for the moderator" prompt plays before the music
    await sleep(4000);
    const waitFrom = Date.now();
    await sleep(STRETCH_MS);
    const waitTo = Date.now();
    await enter(m, '3006', MODERATOR_PIN);
    await until('the moderator in and nobody waiting', async () => {
      const now = await members('3006');
      return now.length === 3 && now.some((x) => x.moderator && x.number === '1006') && now.every((x) => !x.waiting);
    });
    const allFrom = Date.now();
    await sleep(STRETCH_MS);
    const allTo = Date.now();
    await hangUp(p, q, m);

    const expect = (who: string, what: string, levels: ToneLevels, hears: number[], not: number[]) => {
      const text = `${who} ${what}: ${describeLevels(levels)}`;
      t.diagnostic(text);
      for (const hz of hears) assert.ok(levels.levels.get(hz)! > HEARD_DB, `hears ${hz} Hz: ${text}`);
      const weakest = Math.min(...hears.map((hz) => levels.levels.get(hz)!));
      for (const hz of not) assert.ok(levels.levels.get(hz)! < weakest - ABSENT_MARGIN_DB, `does not hear ${hz} Hz: ${text}`);
    };
    for (const [who, phoneOf, own, other] of [['1004', p, 400, 1300], ['1005', q, 1300, 400]] as const) {
      const waiting = await heard(phoneOf, waitFrom, waitTo);
      const together = await heard(phoneOf, allFrom, allTo);
      expect(who, 'with the moderator in', together, [other, 1700], [own]);
      t.diagnostic(`${who} waiting: ${describeLevels(waiting)}`);
      // music on hold, not silence, and not the other participant: heard later at full level, far below it now
      assert.ok(waiting.rmsDb > -45, `${who} hears music while waiting: ${describeLevels(waiting)}`);
      assert.ok(waiting.levels.get(other)! < together.levels.get(other)! - ABSENT_MARGIN_DB, `${who} does not hear ${other} Hz while waiting: ${describeLevels(waiting)}`);
    }
    expect('1006 (moderator)', 'with both participants', await heard(m, allFrom, allTo), [400, 1300], [1700]);
  });

  it("in-room keys: a member's 1 and *1 mute and unmute it; the moderator's 2 locks the room (a participant is then refused, cause conference-locked) and *2 unlocks it", async () => {
    const [p, q, m] = [await phone('1004'), await phone('1005'), await phone('1006')];
    await enter(m, '3006', MODERATOR_PIN);
    await enter(p, '3006', PIN);
    await until('the moderator and a participant in 3006', async () => (await members('3006')).length === 2);
    const muted = async (n: string) => (await members('3006')).find((x) => x.number === n)?.muted;
    await p.sendDigits('1');
    await until('1004 muted by its key 1', async () => (await muted('1004')) === true);
    for (const d of '*1') await p.sendDigits(d);
    await until('1004 unmuted by *1', async () => (await muted('1004')) === false);
    // a participant's 2 is no lock key
    await p.sendDigits('2');
    await m.sendDigits('2');
    await until('room 3006 locked by the moderator', async () => (await live('3006'))?.locked === true);

    const since = q.events.length;
    await q.dial(`sip:3006@${DOMAIN}`);
    await q.waitForEvent({ type: 'CALL_ESTABLISHED', since });
    for (const d of `${PIN}#`) await q.sendDigits(d);
    await q.waitForEvent({ type: 'CALL_CLOSED', since, timeoutMs: 30_000 });
    const refused = await finalCallRecord({ api: server.api, number: '1005' });
    assertRecord(refused, { caller: '1005', callee: '3006', disposition: 'ANSWERED', hangupBy: 'system', sipStatus: 200 });
    assert.equal(refused.hangupCause, 'conference-locked');
    assert.equal((await members('3006')).length, 2, 'the refused participant never joined');

    for (const d of '*2') await m.sendDigits(d);
    await until('room 3006 unlocked by *2', async () => (await live('3006'))?.locked === false);
    await hangUp(p, m);

    // 1004 keyed its PIN twice (this call and the last test's): those digits went out redacted, its room keys plain
    const of1004 = dtmf.filter((e) => e.caller === '1004');
    assert.deepEqual(of1004.filter((e) => e.digit !== undefined).map((e) => e.digit), ['1', '*', '1', '2'], JSON.stringify(of1004));
    assert.equal(of1004.filter((e) => e.redacted === true).length, 2 * `${PIN}#`.length, JSON.stringify(of1004));
    assert.doesNotMatch(server.output(), new RegExp(`${PIN}|${MODERATOR_PIN}`), "no PIN in Hailing's log");
  });
});
