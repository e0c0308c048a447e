// Issue 18 finding 3: partial messages (slowloris) on TCP, WS and WS upgrade requests are closed
// after the read timeout, however slowly they trickle; whole messages are never affected.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import { once } from 'node:events';
import tls from 'node:tls';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../logger.js';
import { ensureCertificate } from './certificate.js';
import { FakeClock } from '../clock.js';
import type { StartedLayer } from './test-support.js';
import { connectRaw, rawOptions, startLayer, until } from './test-support.js';

const READ_MS = 20_000;
const IDLE_MS = 300_000;

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function layer(protocol: 'tcp' | 'ws' | 'tls' | 'wss', clock: FakeClock): Promise<StartedLayer> {
  let material: { cert: string; key: string } | undefined;
  if (protocol === 'tls' || protocol === 'wss') {
    const dir = await mkdtemp(join(tmpdir(), 'hailing-slow-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    material = await ensureCertificate({ dataDir: dir, hostnames: ['localhost'], logger: silentLogger });
  }
  const t = await startLayer([protocol], { clock, readTimeoutMs: READ_MS, idleTimeoutMs: IDLE_MS, ...(material ? { tls: material } : {}) });
  cleanups.push(() => t.layer.close());
  return t;
}

/**
 * The client's 'connect' does not mean the server has accepted: its deadline is set when it does,
 * on the fake clock, so wait for that timer before moving time (else the deadline would be set
 * after the time moved and the test would wait for ever).
 */
async function accepted(clock: FakeClock, timersBefore: number): Promise<void> {
  await until(() => clock.pendingTimers() > timersBefore, 'the server to accept the connection');
}

async function rawPeer(port: number, clock: FakeClock): Promise<{ socket: net.Socket; closed: () => boolean }> {
  const before = clock.pendingTimers();
  const p = await connectRaw({ port });
  cleanups.push(() => p.socket.destroy());
  await accepted(clock, before);
  return p;
}

async function tlsPeer(port: number, clock: FakeClock): Promise<{ socket: tls.TLSSocket; closed: () => boolean }> {
  const before = clock.pendingTimers();
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
  let closed = false;
  socket.on('close', () => (closed = true));
  socket.on('error', () => {});
  cleanups.push(() => socket.destroy());
  await once(socket, 'secureConnect');
  await accepted(clock, before);
  return { socket, closed: () => closed };
}

/** Let bytes written on loopback reach the server's handlers before fake time moves. */
const settle = () => new Promise((r) => setTimeout(r, 20));

/**
 * Write one byte per step and move fake time by stepMs, until the server closes the socket;
 * returns the fake time that passed (or Infinity if it never closed within the bytes).
 */
async function trickle(socket: net.Socket | tls.TLSSocket, closed: () => boolean, bytes: Buffer, clock: FakeClock, stepMs: number): Promise<number> {
  const start = clock.now();
  for (const b of bytes) {
    if (closed()) break;
    socket.write(Buffer.from([b]));
    await settle();
    clock.advance(stepMs);
    await settle();
  }
  return closed() ? clock.now() - start : Infinity;
}

describe('read timeout for partial messages (issue 18: slowloris)', () => {
  it('TCP: a message head trickled a byte every 5 s is closed after the read timeout, not kept alive by its bytes', async () => {
    const clock = new FakeClock();
    const t = await layer('tcp', clock);
    const p = await rawPeer(t.port('tcp'), clock);
    const head = Buffer.from(rawOptions('slow@pc33', 'TCP').slice(0, -4), 'latin1');
    const elapsed = await trickle(p.socket, p.closed, head, clock, 5_000);
    assert.ok(elapsed <= READ_MS + 10_000, `closed after ${elapsed} ms of fake time (idle timeout ${IDLE_MS})`);
  });

  it('TCP: an accepted connection that sends nothing is closed after the read timeout', async () => {
    const clock = new FakeClock();
    const t = await layer('tcp', clock);
    const p = await rawPeer(t.port('tcp'), clock);
    await settle();
    clock.advance(READ_MS - 1);
    await settle();
    assert.equal(p.closed(), false);
    clock.advance(1);
    await until(p.closed, 'the silent connection to be closed');
  });

  for (const [name, bytes] of [['a lone CR', '\r'], ['a lone CRLF', '\r\n'], ['CRLF CR', '\r\n\r'], ['a CRLFCRLF ping', '\r\n\r\n']] as const) {
    it(`TCP: ${name} before any message does not cancel the deadline for the first message`, async () => {
      const clock = new FakeClock();
      const t = await layer('tcp', clock);
      const p = await rawPeer(t.port('tcp'), clock);
      // read the pong: unread bytes would hide the server's FIN from the 'close' this waits for
      p.socket.resume();
      p.socket.write(bytes);
      await settle();
      clock.advance(READ_MS);
      await until(p.closed, 'the connection that sent no message to be closed');
    });
  }

  it('TCP: the deadline runs from the first byte of each message; whole messages and keepalives are never cut', async () => {
    const clock = new FakeClock();
    const t = await layer('tcp', clock);
    const p = await rawPeer(t.port('tcp'), clock);
    p.socket.write(rawOptions('whole@pc33', 'TCP'));
    await t.events.next('message');
    // a connection may stay quiet between messages (the idle timeout governs that)
    clock.advance(READ_MS * 3);
    p.socket.write('\r\n\r\n');
    await settle();
    clock.advance(READ_MS * 3);
    // RFC 5626 §4.4.1: a phone's CRLF pong to our CRLFCRLF ping is not the start of a message
    p.socket.write('\r\n');
    await settle();
    clock.advance(READ_MS * 3);
    await settle();
    assert.equal(p.closed(), false, 'a CRLF pong does not start the read deadline');
    const next = rawOptions('next@pc33', 'TCP');
    p.socket.write(next.slice(0, 40));
    await settle();
    clock.advance(READ_MS - 1_000);
    await settle();
    assert.equal(p.closed(), false, 'the partial message still has time');
    p.socket.write(next.slice(40));
    await t.events.next('message');
    clock.advance(READ_MS * 2);
    await settle();
    assert.equal(p.closed(), false, 'nothing partial is pending');
  });

  it('WS: a frame trickled after the upgrade is closed after the read timeout', async () => {
    const clock = new FakeClock();
    const t = await layer('ws', clock);
    const ws = new WebSocket(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    ws.on('error', () => {});
    cleanups.push(() => ws.terminate());
    await once(ws, 'open');
    // a masked text frame announcing 100 payload octets (RFC 6455 §5.2), sent an octet at a time
    const frame = Buffer.concat([Buffer.from([0x81, 0x80 | 100, 1, 2, 3, 4]), Buffer.alloc(100, 0x41)]);
    const socket = (ws as unknown as { _socket: net.Socket })._socket;
    let closed = false;
    socket.once('close', () => (closed = true));
    const elapsed = await trickle(socket, () => closed, frame, clock, 5_000);
    assert.ok(elapsed <= READ_MS + 10_000, `closed after ${elapsed} ms of fake time`);
  });

  it('TLS: a message head trickled a byte every 5 s is closed after the read timeout', async () => {
    const clock = new FakeClock();
    const t = await layer('tls', clock);
    const { socket, closed } = await tlsPeer(t.port('tls'), clock);
    const head = Buffer.from(rawOptions('slow-tls@pc33', 'TLS').slice(0, -4), 'latin1');
    const elapsed = await trickle(socket, closed, head, clock, 5_000);
    assert.ok(elapsed <= READ_MS + 10_000, `closed after ${elapsed} ms of fake time`);
  });

  it('WSS: an upgrade request trickled over TLS is closed after the read timeout', async () => {
    const clock = new FakeClock();
    const t = await layer('wss', clock);
    const { socket, closed } = await tlsPeer(t.port('wss'), clock);
    const request = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n', 'latin1');
    const elapsed = await trickle(socket, closed, request, clock, 5_000);
    assert.ok(elapsed <= READ_MS + 10_000, `closed after ${elapsed} ms of fake time`);
  });

  it('WS: an upgrade request trickled a byte at a time is closed after the read timeout', async () => {
    const clock = new FakeClock();
    const t = await layer('ws', clock);
    const p = await rawPeer(t.port('ws'), clock);
    const request = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n', 'latin1');
    const elapsed = await trickle(p.socket, p.closed, request, clock, 5_000);
    assert.ok(elapsed <= READ_MS + 10_000, `closed after ${elapsed} ms of fake time`);
  });
});
