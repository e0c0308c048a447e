// The engine end to end on loopback: plain dgram sockets play phones A and B (and an intruder C);
// the relay runs in real worker threads. Packets are built here byte by byte from RFC 3550's
// layouts, not with our own serializer.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import { MediaError, type EndpointHandle, type MediaEngineEvents } from './types.js';

async function phone(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return s;
}
const portOf = (s: dgram.Socket): number => s.address().port;

/** RFC 3550 §5.1: V=2, PT, sequence, timestamp, SSRC, then the payload */
function rtp(seq: number, ssrc: number, payload: string, pt = 0): Buffer {
  const b = Buffer.alloc(12 + payload.length);
  b[0] = 0x80;
  b[1] = pt;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 160, 4);
  b.writeUInt32BE(ssrc, 8);
  b.write(payload, 12, 'latin1');
  return b;
}

/** RFC 3550 §6.4.2 RR with one report block about `about` */
function receiverReport(ssrc: number, about: number, fraction: number, lost: number, jitter: number): Buffer {
  const b = Buffer.alloc(32);
  b[0] = 0x81; // V=2, RC=1
  b[1] = 201;
  b.writeUInt16BE(7, 2); // 8 words - 1
  b.writeUInt32BE(ssrc, 4);
  b.writeUInt32BE(about, 8);
  b[12] = fraction;
  b.writeUIntBE(lost, 13, 3);
  b.writeUInt32BE(1000, 16);
  b.writeUInt32BE(jitter, 20);
  return b;
}

function next(s: dgram.Socket, ms = 5000): Promise<{ msg: Buffer; rinfo: dgram.RemoteInfo }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      s.off('message', on);
      reject(new Error('no packet arrived'));
    }, ms);
    const on = (msg: Buffer, rinfo: dgram.RemoteInfo): void => {
      clearTimeout(timer);
      s.off('message', on);
      resolve({ msg, rinfo });
    };
    s.on('message', on);
  });
}

type Payload<E extends keyof MediaEngineEvents> = Parameters<MediaEngineEvents[E]>[0];

/** the first `count` events of this kind that concern `group` */
function event<E extends keyof MediaEngineEvents>(engine: WorkerMediaEngine, name: E, group: string, count = 1): Promise<Payload<E>[]> {
  return new Promise((resolve, reject) => {
    const seen: Payload<E>[] = [];
    const timer = setTimeout(() => reject(new Error(`no ${name} event`)), 10_000);
    const listener = ((e: Payload<E>) => {
      if (e.group !== group) return;
      seen.push(e);
      if (seen.length < count) return;
      clearTimeout(timer);
      engine.off(name, listener);
      resolve(seen);
    }) as MediaEngineEvents[E];
    engine.on(name, listener);
  });
}

describe('MediaEngine relay on loopback', () => {
  let engine: WorkerMediaEngine;
  let base: number;
  const sockets: dgram.Socket[] = [];
  const sock = async (): Promise<dgram.Socket> => {
    const s = await phone();
    sockets.push(s);
    return s;
  };

  before(async () => {
    base = await freePortBlock(40);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 39, workers: 2, latchWindowMs: 0, mediaTimeoutMs: 100 });
    await engine.start();
  });
  after(async () => {
    await engine.close();
    for (const s of sockets) s.close();
  });

  async function call(group: string): Promise<{ a: EndpointHandle; b: EndpointHandle; phoneA: dgram.Socket; phoneB: dgram.Socket; rtcpA: dgram.Socket; rtcpB: dgram.Socket }> {
    const [phoneA, phoneB, rtcpA, rtcpB] = [await sock(), await sock(), await sock(), await sock()];
    const a = await engine.createEndpoint({ group });
    const b = await engine.createEndpoint({ group });
    a.setRemote({ address: '127.0.0.1', rtpPort: portOf(phoneA), rtcpPort: portOf(rtcpA) });
    b.setRemote({ address: '127.0.0.1', rtpPort: portOf(phoneB), rtcpPort: portOf(rtcpB) });
    a.connect(b);
    return { a, b, phoneA, phoneB, rtcpA, rtcpB };
  }

  it('RFC 3550 §11: hands out an even RTP port with RTCP on the next one', async () => {
    const e = await engine.createEndpoint({ group: 'ports' });
    assert.equal(e.rtpPort % 2, 0);
    assert.equal(e.rtcpPort, e.rtpPort + 1);
    assert.ok(e.rtpPort >= base && e.rtcpPort <= base + 39);
    await e.close();
  });

  it('relays RTP both ways with the payload intact, from the anchored ports, and RTCP', async () => {
    const { a, b, phoneA, phoneB, rtcpA, rtcpB } = await call('relay');
    const latched = event(engine, 'latched', 'relay');
    const atB = next(phoneB);
    phoneA.send(rtp(1, 0x11111111, 'hello from A'), a.rtpPort, '127.0.0.1');
    const gotB = await atB;
    assert.equal(gotB.msg.subarray(12).toString('latin1'), 'hello from A');
    assert.equal(gotB.msg.readUInt32BE(8), 0x11111111);
    assert.equal(gotB.rinfo.port, b.rtpPort, 'B hears the relay from its own endpoint (symmetric RTP)');
    const [l] = await latched;
    assert.deepEqual(l, { endpointId: a.id, group: 'relay', address: '127.0.0.1', port: portOf(phoneA) });

    const atA = next(phoneA);
    phoneB.send(rtp(7, 0x22222222, 'and back from B'), b.rtpPort, '127.0.0.1');
    const gotA = await atA;
    assert.equal(gotA.msg.subarray(12).toString('latin1'), 'and back from B');
    assert.equal(gotA.rinfo.port, a.rtpPort);

    // A reports about B's stream (SSRC 0x22222222): 64/256 lost, 3 cumulative, jitter 80 units
    const rr = receiverReport(0x11111111, 0x22222222, 64, 3, 80);
    const rtcpAtB = next(rtcpB);
    rtcpA.send(rr, a.rtcpPort, '127.0.0.1');
    const gotRtcp = await rtcpAtB;
    assert.deepEqual(gotRtcp.msg, rr);
    assert.equal(gotRtcp.rinfo.port, b.rtcpPort);

    const s = await a.stats();
    assert.equal(s.packetsReceived, 1);
    assert.equal(s.bytesReceived, 12 + 'hello from A'.length);
    assert.equal(s.packetsSent, 1);
    assert.equal(s.bytesSent, 12 + 'and back from B'.length);
    assert.equal(s.rtcpReceived, 1);
    assert.equal(s.packetsLost, 3);
    assert.equal(s.fractionLost, 0.25);
    assert.equal(s.jitterMs, 10, '80 timestamp units at 8000 Hz');
    assert.deepEqual(s.latched, { address: '127.0.0.1', rtpPort: portOf(phoneA), rtcpPort: portOf(rtcpA) });
    assert.equal((await b.stats()).packetsLost, null, 'no RTCP from B yet');
  });

  it('after latching, a third source never reaches A or B and is counted as dropped', async () => {
    const { a, phoneA, phoneB } = await call('intruder');
    const intruder = await sock();
    let leaked = 0;
    const count = (msg: Buffer): void => {
      if (msg.subarray(12).toString('latin1').startsWith('evil')) leaked++;
    };
    phoneA.on('message', count);
    phoneB.on('message', count);
    let atB = next(phoneB);
    phoneA.send(rtp(1, 1, 'first'), a.rtpPort, '127.0.0.1');
    await atB;
    for (let i = 0; i < 5; i++) intruder.send(rtp(100 + i, 666, `evil ${i}`), a.rtpPort, '127.0.0.1');
    intruder.send(Buffer.from('not rtp at all'), a.rtpPort, '127.0.0.1');
    // the socket queue is ordered: once this marker is through, the intruder's packets were handled
    atB = next(phoneB);
    phoneA.send(rtp(2, 1, 'marker'), a.rtpPort, '127.0.0.1');
    assert.equal((await atB).msg.subarray(12).toString('latin1'), 'marker');
    assert.equal(leaked, 0);
    const s = await a.stats();
    assert.equal(s.packetsDropped, 6);
    assert.equal(s.packetsReceived, 2);
  });

  it('reports a media timeout on a watched endpoint that stopped receiving RTP', async () => {
    const { a } = await call('quiet');
    const timeout = event(engine, 'timeout', 'quiet');
    a.watchTimeout(true);
    const [t] = await timeout;
    assert.equal(t?.endpointId, a.id);
    assert.equal(t?.group, 'quiet');
    assert.ok((t?.idleMs ?? 0) >= 100);
  });

  it('close() is idempotent, returns final stats and gives the ports back', async () => {
    const before = engine.usage();
    const e = await engine.createEndpoint({ group: 'idem' });
    assert.equal(engine.usage().endpoints, before.endpoints + 1);
    const first = e.close();
    assert.equal(e.close(), first);
    assert.equal((await first).packetsReceived, 0);
    assert.deepEqual(engine.usage(), before);
  });

  it('a crashed worker is restarted and its endpoints are reported closed', async () => {
    const { a, b } = await call('doomed');
    const closed = event(engine, 'endpoint-closed', 'doomed', 2);
    engine.crashWorkerOf('doomed');
    const events = await closed;
    assert.deepEqual(
      events.map((e) => e.endpointId).sort(),
      [a.id, b.id].sort(),
    );
    assert.ok(events.every((e) => e.reason === 'worker-crashed' && e.group === 'doomed'));
    await a.close();
    // the replacement relays again
    const { a: a2, phoneA, phoneB } = await call('reborn');
    const atB = next(phoneB);
    phoneA.send(rtp(1, 5, 'alive'), a2.rtpPort, '127.0.0.1');
    assert.equal((await atB).msg.subarray(12).toString('latin1'), 'alive');
  });

  it("each endpoint handle emits its own events (mediasoup's Producer style): latched, timeout, and closed when its worker dies", async () => {
    const { a, b, phoneA, phoneB } = await call('own-events');
    const seen: string[] = [];
    const latched = new Promise<{ address: string; port: number }>((resolve) => a.on('latched', resolve));
    b.on('latched', () => void seen.push('b-latched'));
    const atB = next(phoneB);
    phoneA.send(rtp(1, 7, 'hello'), a.rtpPort, '127.0.0.1');
    await atB;
    assert.deepEqual(await latched, { address: '127.0.0.1', port: portOf(phoneA) });
    const timedOut = new Promise<{ idleMs: number }>((resolve) => b.on('timeout', resolve));
    const off = a.on('timeout', () => void seen.push('a-timeout'));
    off();
    b.watchTimeout(true);
    assert.ok((await timedOut).idleMs >= 100);
    const closed = new Promise<{ reason: string }>((resolve) => a.on('closed', resolve));
    engine.crashWorkerOf('own-events');
    assert.deepEqual(await closed, { reason: 'worker-crashed' });
    assert.deepEqual(seen, [], "b heard nothing of a's events, and an unsubscribed listener nothing at all");
  });
});

describe('MediaEngine port pool', () => {
  it('rejects with ports-exhausted, reuses ports after close, skips a pair someone else holds, closes everything', async () => {
    const base = await freePortBlock(6);
    const first = base % 2 === 0 ? base : base + 1;
    // someone else holds the first RTP port: that pair is skipped
    const squatter = dgram.createSocket('udp4');
    squatter.bind(first, '127.0.0.1');
    await once(squatter, 'listening');
    const engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: first, portMax: first + 5, workers: 1 });
    try {
      const x = await engine.createEndpoint({ group: 'g' });
      const y = await engine.createEndpoint({ group: 'g' });
      assert.deepEqual([x.rtpPort, y.rtpPort].sort(), [first + 2, first + 4]);
      await assert.rejects(engine.createEndpoint({ group: 'g' }), (err: unknown) => err instanceof MediaError && err.code === 'ports-exhausted');
      squatter.close();
      await x.close();
      await y.close();
      const reused = [(await engine.createEndpoint({ group: 'h' })).rtpPort, (await engine.createEndpoint({ group: 'h' })).rtpPort];
      assert.ok(reused.every((p) => p === first || p === first + 2 || p === first + 4));
      await engine.close();
      await engine.close();
      await assert.rejects(engine.createEndpoint({ group: 'h' }), (err: unknown) => err instanceof MediaError && err.code === 'closed');
      // every socket is closed: the ports can be bound again
      for (const p of reused) {
        const s = dgram.createSocket('udp4');
        s.bind(p, '127.0.0.1');
        await once(s, 'listening');
        s.close();
      }
      assert.deepEqual(engine.usage().endpoints, 0);
    } finally {
      await engine.close();
      try {
        squatter.close();
      } catch {
        // already closed
      }
    }
  });
});
