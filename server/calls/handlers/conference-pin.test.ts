// Unit tests of a conference room's PIN, moderator and wait-for-moderator handling (ConfBridge's
// pin, marked and wait_marked) on the fake clock, with fake endpoints and rooms and no TTS (prompts
// skipped). test/calls-conference-pin.test.ts runs the same with baresip phones and real audio.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CallState } from '../call.js';
import { callRig, FakeEndpoint, flush, silentLogger } from '../test-support.js';
import type { HandlerContext } from './handler.js';
import { ConferenceRoom, Rooms, type ConferenceServices } from './conference.js';
import type { RoomPolicy } from './conference-policy.js';

class FakeRoom {
  readonly members = new Set<string>();
  readonly muted = new Set<string>();
  join(e: { id: string }): void {
    this.members.add(e.id);
  }
  leave(e: { id: string }): void {
    this.members.delete(e.id);
  }
  mute(e: { id: string }, on: boolean): void {
    if (on) this.muted.add(e.id);
    else this.muted.delete(e.id);
  }
  close(): void {}
}

/** participant PIN 1234, moderator PIN 9999 */
const policy = (waitForModerator: boolean): RoomPolicy => ({
  participantPin: true,
  waitForModerator,
  roleOf: async (pin) => {
    // as slow as a hash check: it ends after I/O, not within the digit's own turn
    await new Promise((r) => setImmediate(r));
    return pin === '9999' ? 'moderator' : pin === '1234' ? 'participant' : null;
  },
});

function rig(o: { waitForModerator?: boolean } = {}) {
  const endpoints: FakeEndpoint[] = [];
  const rooms: FakeRoom[] = [];
  const services: ConferenceServices = {
    engine: {
      createEndpoint: async (c: { group: string }) => {
        const e = new FakeEndpoint(`ep${endpoints.length + 1}`, c.group);
        endpoints.push(e);
        return e.handle;
      },
      createRoom: () => {
        const room = new FakeRoom();
        rooms.push(room);
        return room as unknown as ReturnType<ConferenceServices['engine']['createRoom']>;
      },
    },
    address: '127.0.0.1',
    inbandDtmf: 'auto',
    tts: null,
    musicOnHold: async () => ({ file: '/moh/_playlist.wav', loop: true }),
    conferencePolicies: { policy: async () => policy(o.waitForModerator ?? false) },
  };
  const shared = new Rooms(services);
  /** a caller dials room 3000; returns its call, its endpoint (once answered) and the handler's outcome */
  const caller = async () => {
    const r = callRig();
    const ctx: HandlerContext = { request: r.request, maxForwards: 70, step: { destination: { kind: 'conference', room: '3000' }, argument: '', dialled: '3000' }, logger: silentLogger };
    const done = new ConferenceRoom(services, shared).exec(r.call, ctx);
    await flush();
    const endpoint = endpoints.at(-1)!;
    const key = async (digits: string) => {
      for (const digit of digits) endpoint.emit('dtmf', { digit, durationMs: 100, method: 'rfc4733' });
      await flush();
    };
    /** digits as packets bring them: each in a turn of its own, with no I/O between them */
    const keyAtOnce = async (digits: string) => {
      for (const digit of digits) {
        endpoint.emit('dtmf', { digit, durationMs: 100, method: 'rfc4733' });
        for (let i = 0; i < 5; i++) await Promise.resolve();
      }
      await flush();
    };
    return { ...r, endpoint, done, key, keyAtOnce };
  };
  return { shared, rooms, caller };
}

describe('conference room with PINs', () => {
  it('three wrong PINs (a time-out counts as one) end the call with cause conference-pin-failed; nobody joins', async () => {
    const { caller, rooms, shared } = rig();
    const c = await caller();
    assert.equal(c.call.state, CallState.Answered, 'answered first: the prompts need a call');
    await c.key('1111#');
    await c.key('12#');
    // the third try: nothing keyed before the first-digit time-out
    c.clock.advance(25_000);
    await flush();
    assert.deepEqual(await c.done, { kind: 'answered' });
    assert.equal(c.call.state, CallState.Ended);
    assert.equal(c.events.at(-1)?.record.hangupCause, 'conference-pin-failed');
    assert.equal(rooms.length, 0, 'no room was opened');
    assert.deepEqual(shared.list(), []);
    assert.equal(shared.keyingPin(c.call.id), false);
  });

  it('the right PIN keyed straight after a wrong one joins as participant (no digit lost while the first is checked); the digits are marked as a PIN', async () => {
    const { caller, rooms, shared } = rig();
    const c = await caller();
    assert.equal(shared.keyingPin(c.call.id), true, 'its digits are withheld from the events stream');
    await c.keyAtOnce('5555#1234#');
    assert.deepEqual(await c.done, { kind: 'answered' });
    assert.deepEqual([...rooms[0]!.members], [c.endpoint.id]);
    assert.deepEqual(shared.list()[0]?.members.map((m) => [m.moderator, m.waiting]), [[false, false]]);
    assert.equal(shared.keyingPin(c.call.id), false);
  });

  it('wait for moderator: participants hear music outside the mix until the moderator joins; a key 1 mutes, a participant cannot lock, the moderator can', async () => {
    const { caller, rooms, shared } = rig({ waitForModerator: true });
    const p = await caller();
    await p.key('1234#');
    await p.done;
    const [room] = rooms;
    assert.ok(room);
    assert.deepEqual([...room.members], [], 'the waiting participant is not in the mix');
    assert.deepEqual(p.endpoint.played.map((x) => [x.id, x.item.file, x.item.loop]), [['conference-wait', '/moh/_playlist.wav', true]]);
    await p.key('1');
    assert.equal(shared.muted('3000', p.call.id), true, 'muted while waiting: applied when admitted');
    await p.key('2');
    assert.equal(shared.isLocked('3000'), false, "a participant's 2 is no lock key");

    // each PIN digit stopped a prompt (barge-in); what stops from here on is the music
    const stopsBefore = p.endpoint.stops;
    const m = await caller();
    await m.key('9999#');
    await m.done;
    assert.deepEqual([...room.members].sort(), [p.endpoint.id, m.endpoint.id].sort(), 'the moderator brought the participant in');
    assert.equal(p.endpoint.stops - stopsBefore, 1, "the participant's music stopped");
    assert.deepEqual([...room.muted], [p.endpoint.id], 'its mute applied on admission');
    assert.deepEqual(shared.list()[0]?.members.map((x) => [x.moderator, x.waiting]), [[false, false], [true, false]]);
    await m.key('*2');
    assert.equal(shared.isLocked('3000'), true, "the moderator's *2 locks");

    // a locked room refuses a participant with the right PIN, and lets a moderator in
    const late = await caller();
    await late.key('1234#');
    await late.done;
    assert.equal(late.events.at(-1)?.record.hangupCause, 'conference-locked');
    const mod2 = await caller();
    await mod2.key('9999#');
    await mod2.done;
    assert.equal(mod2.call.state, CallState.Answered);
    assert.equal(shared.list()[0]?.members.length, 3);
    await m.key('2');
    assert.equal(shared.isLocked('3000'), false);
  });
});
