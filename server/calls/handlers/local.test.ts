// Unit tests of the handlers that answer a call here (conference room, supervisor monitor) on the
// fake clock, with fake endpoints and rooms: the black-box tests (test/calls-conference,
// test/calls-monitor) run them with real phones.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MonitorMode } from '../../../media/index.js';
import { CallState, type Call } from '../call.js';
import { callerInvite, callRig, FakeEndpoint, FakeFork, FakeLocal, FakeMedia, flush, OFFER, silentLogger } from '../test-support.js';
import type { Destination } from '../dialplan/destinations.js';
import type { HandlerContext } from './handler.js';
import { ConferenceRoom, Rooms } from './conference.js';
import { Monitor, type MonitorServices } from './monitor.js';
import { handleInDialog } from '../in-dialog.js';

class FakeRoom {
  readonly members = new Set<string>();
  readonly modes: { supervisor: string; agent: string; mode: MonitorMode }[] = [];
  closed = 0;
  constructor(readonly group: string) {}
  join(e: { id: string }): void {
    this.members.add(e.id);
  }
  leave(e: { id: string }): void {
    this.members.delete(e.id);
  }
  monitor(o: { supervisor: { id: string }; agent: { id: string }; mode: MonitorMode }): void {
    this.modes.push({ supervisor: o.supervisor.id, agent: o.agent.id, mode: o.mode });
  }
  close(): void {
    this.closed++;
  }
}

function fakeEngine(o: { ports?: boolean } = {}) {
  const endpoints: FakeEndpoint[] = [];
  const rooms: FakeRoom[] = [];
  const engine = {
    createEndpoint: async (c: { group: string }) => {
      if (o.ports === false) throw new Error('ports-exhausted');
      const e = new FakeEndpoint(`ep${endpoints.length + 1}`, c.group);
      endpoints.push(e);
      return e.handle;
    },
    createRoom: (c: { group: string }) => {
      const room = new FakeRoom(c.group);
      rooms.push(room);
      return room as unknown as ReturnType<MonitorServices['engine']['createRoom']>;
    },
  };
  return { engine, endpoints, rooms };
}

const ctx = (rig: ReturnType<typeof callRig>, destination: Destination, o: { argument?: string; dialled: string }): HandlerContext => ({
  request: rig.request,
  maxForwards: 70,
  step: { destination, argument: o.argument ?? '', dialled: o.dialled },
  logger: silentLogger,
});
const statuses = (rig: ReturnType<typeof callRig>): number[] => rig.request.replies.map((r) => r.status);

describe('conference handler', () => {
  it('each caller is answered here and its endpoint joins the one room; the room closes when its last member leaves', async () => {
    const { engine, endpoints, rooms } = fakeEngine();
    const services = { engine, address: '127.0.0.1', inbandDtmf: 'auto' as const };
    const shared = new Rooms(services);
    const callers = [callRig(), callRig()];
    for (const rig of callers) {
      const outcome = await new ConferenceRoom(services, shared).exec(rig.call, ctx(rig, { kind: 'conference', room: '3000' }, { dialled: '3000' }));
      assert.deepEqual(outcome, { kind: 'answered' });
      assert.deepEqual(statuses(rig), [200]);
      assert.equal(rig.call.state, CallState.Answered);
    }
    assert.equal(rooms.length, 1, 'one room per number');
    assert.equal(rooms[0]!.group, 'conference:3000');
    assert.deepEqual([...rooms[0]!.members], endpoints.map((e) => e.id));
    assert.ok(endpoints.every((e) => e.group === 'conference:3000'), "the members' endpoints share the room's worker");
    await callers[0]!.call.hangup('caller', 'normal-clearing');
    assert.equal(rooms[0]!.closed, 0, 'a member still there');
    await callers[1]!.call.hangup('caller', 'normal-clearing');
    assert.equal(rooms[0]!.closed, 1);
    assert.equal(endpoints[1]!.closed, 1);
  });

  it('RFC 3264 §4 late offer: an offerless INVITE is answered 200 with our offer, and the answer in its ACK points our endpoint at the caller', async () => {
    const none = callRig({ body: new Uint8Array() });
    const { engine, endpoints } = fakeEngine();
    const services = { engine, address: '127.0.0.1', inbandDtmf: 'auto' as const };
    const outcome = await new ConferenceRoom(services, new Rooms(services)).exec(none.call, ctx(none, { kind: 'conference' }, { dialled: '3001' }));
    assert.deepEqual(outcome, { kind: 'answered' });
    assert.deepEqual(statuses(none), [200]);
    const offer = Buffer.from(none.request.replies[0]!.body ?? new Uint8Array()).toString('utf8');
    // RFC 4566 §5.14: our offer names our endpoint's port; §5.7 our address
    assert.match(offer, new RegExp(`^m=audio ${endpoints[0]!.rtpPort} RTP/AVP `, 'm'));
    assert.match(offer, /^c=IN IP4 127\.0\.0\.1/m);
    const answer = new Uint8Array(Buffer.from('v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n'));
    await handleInDialog({ call: none.call, side: 'caller', request: callerInvite(answer, { cseq: 1, method: 'ACK' }), contact: '<sip:hailing@127.0.0.1>', observer: { ended: async () => {} } });
    assert.deepEqual(endpoints[0]!.remotes.at(-1), { address: '127.0.0.9', rtpPort: 40000, rtcpPort: 40001 });
  });

  it('a conference caller without media ports fails 503', async () => {
    const services = { engine: fakeEngine().engine, address: '127.0.0.1', inbandDtmf: 'auto' as const };
    const full = callRig();
    const noPorts = { ...services, engine: fakeEngine({ ports: false }).engine };
    const refused = await new ConferenceRoom(noPorts, new Rooms(noPorts)).exec(full.call, ctx(full, { kind: 'conference' }, { dialled: '3001' }));
    assert.equal(refused.kind === 'failed' && refused.failure.status, 503);
  });
});

/** 1001 talking to 1002: a two-party call answered by its callee */
async function talking(): Promise<{ call: Call; media: FakeMedia }> {
  const rig = callRig();
  const fork = new FakeFork();
  const media = new FakeMedia();
  const result = rig.call.dial({ media: media.media, forks: [fork.leg], timeoutMs: 30_000 });
  fork.respond(200, OFFER);
  await result;
  return { call: rig.call, media };
}

function monitorRig(target: Call | undefined) {
  const fake = fakeEngine();
  const services: MonitorServices = { engine: fake.engine, address: '127.0.0.1', inbandDtmf: 'auto', activeCallOf: () => target, monitored: new Set() };
  const supervisor = (permissions: string[] = ['internal', 'monitor']) => callRig({ caller: { number: '1009', displayName: null, permissions } });
  const run = (rig: ReturnType<typeof callRig>, mode: 'monitor-listen' | 'monitor-whisper' | 'monitor-barge' = 'monitor-listen') =>
    new Monitor(services).exec(rig.call, ctx(rig, { kind: 'feature', feature: mode }, { argument: '1002', dialled: '*2221002' }));
  return { ...fake, services, supervisor, run };
}

describe('monitor handler', () => {
  it("*222: the supervisor's endpoint joins a room with both parties, listening to the agent; DTMF 5 whispers, 6 barges; the supervisor's call ends with the monitored one", async () => {
    const { call: target, media } = await talking();
    const m = monitorRig(target);
    const sup = m.supervisor();
    assert.deepEqual(await m.run(sup), { kind: 'answered' });
    assert.deepEqual(statuses(sup), [200]);
    const room = m.rooms[0]!;
    const mine = m.endpoints[0]!;
    assert.deepEqual([...room.members].sort(), [media.caller.id, media.callee.id, mine.id].sort());
    assert.deepEqual(room.modes, [{ supervisor: mine.id, agent: media.callee.id, mode: 'listen' }], '1002 is the callee: the agent');
    mine.emit('dtmf', { digit: '5', durationMs: 100, method: 'rfc4733' });
    mine.emit('dtmf', { digit: '6', durationMs: 100, method: 'rfc4733' });
    assert.deepEqual(room.modes.map((x) => x.mode), ['listen', 'whisper', 'barge']);
    // a second supervisor meets 486 while the first is on
    const second = m.supervisor();
    const busy = await m.run(second);
    assert.equal(busy.kind === 'failed' && busy.failure.status, 486);
    await target.hangup('caller', 'normal-clearing');
    await flush();
    assert.equal(sup.call.state, CallState.Ended, "the supervisor's call ends with the monitored call");
    assert.equal(room.closed, 1, 'the room is given up');
  });

  it("the supervisor hanging up gives the call back to its relay (room closed, monitored call still up)", async () => {
    const { call: target } = await talking();
    const m = monitorRig(target);
    const sup = m.supervisor();
    await m.run(sup, 'monitor-whisper');
    await sup.call.hangup('caller', 'normal-clearing');
    assert.equal(m.rooms[0]!.closed, 1);
    assert.equal(target.state, CallState.Answered);
    assert.equal(m.services.monitored.size, 0);
  });

  it("without the 'monitor' class: 403; nobody talking at that extension: 480", async () => {
    const { call: target } = await talking();
    const denied = await monitorRig(target).run(monitorRig(target).supervisor(['internal']));
    assert.equal(denied.kind === 'failed' && denied.failure.status, 403);
    const m = monitorRig(undefined);
    const none = await m.run(m.supervisor());
    assert.equal(none.kind === 'failed' && none.failure.status, 480);
  });

  it('a picked-up call is monitored like any answered call: the room holds its caller endpoint and the picker endpoint', async () => {
    const rig = callRig();
    const fork = new FakeFork();
    const ringing = rig.call.dial({ media: new FakeMedia().media, forks: [fork.leg], timeoutMs: 30_000, numbers: ['1002'] });
    const theirs = new FakeLocal('picked-caller');
    const picker = new FakeLocal('picker');
    assert.equal(rig.call.pickedUp({ media: theirs.media, body: OFFER, by: '1003', peer: picker.endpoint.handle }), true);
    await ringing;
    const m = monitorRig(rig.call);
    const sup = m.supervisor();
    assert.deepEqual(await m.run(sup), { kind: 'answered' });
    assert.deepEqual([...m.rooms[0]!.members].sort(), ['picked-caller', 'picker', m.endpoints[0]!.id].sort());
  });
});
