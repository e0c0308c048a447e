// Issue 18, findings 1 and 2, on loopback with the engine's real worker threads: a stranger on
// another address (127.0.0.66) sprays RTP at every even port of the relay range and RTCP at every
// odd one, as the outside probe did, while a call rings and after it is answered. The endpoints
// are told what signalling says about each leg (the SIP source address, the SDP's c=/m=), as
// server/calls does. Packets are built here from RFC 3550's layouts, not with our own serializer.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePortBlock } from '../test/helpers/ports.js';
import { WorkerMediaEngine } from './engine.js';
import type { EndpointHandle } from './types.js';

const PHONES = '127.0.0.1';
const STRANGER = '127.0.0.66';
const STRANGER_SSRC = 0x66666666;
const RANGE = 12;

async function udp(address: string): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, address);
  await once(s, 'listening');
  s.unref();
  return s;
}

/** RFC 3550 §5.1: V=2, PT 0 (PCMU), sequence, timestamp, SSRC, 160 octets of payload */
function rtp(seq: number, ssrc: number, fill: number): Buffer {
  const b = Buffer.alloc(12 + 160, fill);
  b[0] = 0x80;
  b[1] = 0;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 160) >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

/** RFC 3550 §6.4.2: an empty receiver report (RC=0) */
function emptyReceiverReport(ssrc: number): Buffer {
  const b = Buffer.alloc(8);
  b[0] = 0x80;
  b[1] = 201;
  b.writeUInt16BE(1, 2);
  b.writeUInt32BE(ssrc, 4);
  return b;
}

/** A phone: one socket; counts what it hears by SSRC. */
class Phone {
  readonly heard = new Map<number, number>();
  sent = 0;
  #timer: NodeJS.Timeout | undefined;
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg) => {
      if (msg.length < 12 || msg[1] === 200 || msg[1] === 201) return;
      const ssrc = msg.readUInt32BE(8);
      this.heard.set(ssrc, (this.heard.get(ssrc) ?? 0) + 1);
    });
  }
  static async open(): Promise<Phone> {
    return new Phone(await udp(PHONES));
  }
  get port(): number {
    return this.socket.address().port;
  }
  /** `count` packets, one per 20 ms, to the relay port `to` */
  talk(options: { to: number; ssrc: number; count: number }): Promise<void> {
    return new Promise((resolve) => {
      const send = (): void => {
        this.socket.send(rtp(this.sent, options.ssrc, 0x55), options.to, PHONES);
        if (++this.sent >= options.count) {
          clearInterval(this.#timer);
          resolve();
        }
      };
      this.#timer = setInterval(send, 20);
    });
  }
  close(): void {
    clearInterval(this.#timer);
    this.socket.close();
  }
}

/** The probe: one RTP packet to every even port and one RTCP report to every odd port, every `everyMs`. */
class Stranger {
  received = 0;
  sent = 0;
  #timer: NodeJS.Timeout | undefined;
  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', () => this.received++);
  }
  static async open(): Promise<Stranger> {
    return new Stranger(await udp(STRANGER));
  }
  spray(options: { portMin: number; portMax: number; everyMs: number }): void {
    const burst = (): void => {
      for (let port = options.portMin + (options.portMin % 2); port + 1 <= options.portMax; port += 2) {
        this.socket.send(rtp(this.sent, STRANGER_SSRC, 0x66), port, PHONES);
        this.socket.send(emptyReceiverReport(STRANGER_SSRC), port + 1, PHONES);
        this.sent++;
      }
    };
    burst();
    this.#timer = setInterval(burst, options.everyMs);
  }
  stop(): void {
    clearInterval(this.#timer);
  }
  close(): void {
    this.stop();
    this.socket.close();
  }
}

describe('Strict-source latching: only the sources signalling named reach a call (issue 18)', () => {
  const open: { close(): void | Promise<void> }[] = [];
  after(async () => {
    for (const o of open.reverse()) await o.close();
  });

  async function engineWith(latchWindowMs: number): Promise<{ engine: WorkerMediaEngine; portMin: number; portMax: number }> {
    const portMin = await freePortBlock(RANGE);
    const portMax = portMin + RANGE - 1;
    const engine = new WorkerMediaEngine({ bindAddress: PHONES, portMin, portMax, workers: 1, latchWindowMs, mediaTimeoutMs: 0 });
    await engine.start();
    open.push(engine);
    return { engine, portMin, portMax };
  }

  /** what server/calls does: both legs' SIP came from 127.0.0.1; the caller's offer is known, the callee rings */
  async function ringing(engine: WorkerMediaEngine, group: string): Promise<{ caller: EndpointHandle; callee: EndpointHandle; a: Phone; b: Phone }> {
    const a = await Phone.open();
    const b = await Phone.open();
    open.push(a, b);
    const caller = await engine.createEndpoint({ group, sources: [PHONES] });
    const callee = await engine.createEndpoint({ group, sources: [PHONES] });
    caller.setRemote({ address: PHONES, rtpPort: a.port });
    caller.connect(callee);
    return { caller, callee, a, b };
  }

  it('a stranger spraying the relay range while a call rings and after the answer gets nothing, injects nothing, and is counted', async () => {
    const { engine, portMin, portMax } = await engineWith(500);
    const { caller, callee, a, b } = await ringing(engine, 'hijack');
    const stranger = await Stranger.open();
    open.push(stranger);
    stranger.spray({ portMin, portMax, everyMs: 100 });
    // ringing for longer than the learning window: no legitimate packet yet on either leg
    await sleep(1000);
    // the 200 OK's SDP names the callee's address; both phones talk for 1.5 s under the spray
    callee.setRemote({ address: PHONES, rtpPort: b.port });
    await Promise.all([a.talk({ to: caller.rtpPort, ssrc: 0xaaaa0001, count: 75 }), b.talk({ to: callee.rtpPort, ssrc: 0xbbbb0002, count: 75 })]);
    stranger.stop();
    await sleep(200);
    const [callerStats, calleeStats] = await Promise.all([caller.stats(), callee.stats()]);

    assert.equal(stranger.received, 0, 'the stranger received none of the call’s packets');
    assert.equal(b.heard.get(STRANGER_SSRC) ?? 0, 0, 'the callee never heard the stranger');
    assert.equal(a.heard.get(STRANGER_SSRC) ?? 0, 0, 'the caller never heard the stranger');
    assert.ok((b.heard.get(0xaaaa0001) ?? 0) >= 70, `the caller's audio reached the callee (${b.heard.get(0xaaaa0001) ?? 0} of 75)`);
    assert.ok((a.heard.get(0xbbbb0002) ?? 0) >= 70, `the callee's audio reached the caller (${a.heard.get(0xbbbb0002) ?? 0} of 75)`);
    // only the phones' packets count as received; the stranger's are dropped and counted as foreign
    // (at most the 75 each phone sent: none of the stranger's; a loaded machine may lose a few on loopback)
    for (const stats of [callerStats, calleeStats]) assert.ok(stats.packetsReceived >= 70 && stats.packetsReceived <= 75, `packets received ${stats.packetsReceived} of 75`);
    assert.ok((callerStats.packetsForeign ?? 0) >= 20, `caller leg foreign packets: ${callerStats.packetsForeign}`);
    assert.ok((calleeStats.packetsForeign ?? 0) >= 20, `callee leg foreign packets: ${calleeStats.packetsForeign}`);
    assert.ok(callerStats.packetsDropped >= (callerStats.packetsForeign ?? 0));
    assert.deepEqual([callerStats.latched?.address, callerStats.latched?.rtpPort], [PHONES, a.port]);
    assert.deepEqual([calleeStats.latched?.address, calleeStats.latched?.rtpPort], [PHONES, b.port]);
  });

  it('phones that start sending 3 s after the answer, with the default 2 s window and a stranger at 1 packet/s, get audio both ways', async () => {
    const { engine, portMin, portMax } = await engineWith(2000);
    const { caller, callee, a, b } = await ringing(engine, 'late');
    callee.setRemote({ address: PHONES, rtpPort: b.port });
    const stranger = await Stranger.open();
    open.push(stranger);
    stranger.spray({ portMin, portMax, everyMs: 1000 });
    await sleep(3000);
    await Promise.all([a.talk({ to: caller.rtpPort, ssrc: 0xaaaa0003, count: 50 }), b.talk({ to: callee.rtpPort, ssrc: 0xbbbb0004, count: 50 })]);
    stranger.stop();
    await sleep(200);
    assert.ok((b.heard.get(0xaaaa0003) ?? 0) >= 45, `the callee heard the caller (${b.heard.get(0xaaaa0003) ?? 0} of 50)`);
    assert.ok((a.heard.get(0xbbbb0004) ?? 0) >= 45, `the caller heard the callee (${a.heard.get(0xbbbb0004) ?? 0} of 50)`);
    assert.equal(stranger.received, 0);
  });
});
