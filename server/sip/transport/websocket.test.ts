import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { silentLogger } from '../logger.js';
import { ensureCertificate } from './certificate.js';
import type { StartedLayer } from './test-support.js';
import { header, okResponse, optionsRequest, parseWithNodeSip, rawOptions, startLayer, WAIT_MS } from './test-support.js';

/** A ws client that queues received frames so they can be awaited in order. */
class WsPeer {
  readonly ws: WebSocket;
  readonly frames: Array<{ data: Buffer; binary: boolean }> = [];

  constructor(url: string, protocols: string[] | undefined, options: WebSocket.ClientOptions = {}) {
    this.ws = protocols ? new WebSocket(url, protocols, options) : new WebSocket(url, options);
    this.ws.on('message', (data, binary) => this.frames.push({ data: data as Buffer, binary }));
    this.ws.on('error', () => {});
  }

  async open(): Promise<void> {
    await once(this.ws, 'open');
  }

  async nextFrame(): Promise<{ data: Buffer; binary: boolean }> {
    const deadline = Date.now() + WAIT_MS;
    while (this.frames.length === 0) {
      if (Date.now() > deadline) throw new Error('no frame');
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.frames.shift()!;
  }
}

describe('SIP over WebSocket (RFC 7118)', () => {
  let t: StartedLayer;
  let dataDir: string;
  let cert: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hailing-wss-'));
    const material = await ensureCertificate({ dataDir, hostnames: ['localhost', '127.0.0.1'], logger: silentLogger });
    cert = material.cert;
    t = await startLayer(['ws', 'wss'], { tls: material, limits: { maxMessageBytes: 4096 } });
  });
  after(async () => {
    await t.layer.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('RFC 7118 4: the handshake agrees on subprotocol "sip" and a text frame carries one message', async () => {
    const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    await peer.open();
    try {
      assert.equal(peer.ws.protocol, 'sip');
      peer.ws.send(rawOptions('ws-in@pc33', 'WS'));
      const { message, flow } = await t.events.next('message');
      assert.equal(header(message, 'Call-ID'), 'ws-in@pc33');
      assert.equal(flow.protocol, 'ws');
      assert.ok(flow.connectionId);
      await t.layer.send(okResponse('ws-in@pc33', 'WS'), flow);
      const frame = await peer.nextFrame();
      // RFC 7118 5.1: a UTF-8 message goes in a text frame
      assert.equal(frame.binary, false);
      assert.equal(parseWithNodeSip(frame.data)?.status, 200);
    } finally {
      peer.ws.close();
    }
    await t.events.next('flow-closed');
  });

  it('RFC 7118 5.1: a binary frame carries one message too', async () => {
    const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    await peer.open();
    try {
      peer.ws.send(Buffer.from(rawOptions('ws-bin@pc33', 'WS')), { binary: true });
      const { message } = await t.events.next('message');
      assert.equal(header(message, 'Call-ID'), 'ws-bin@pc33');
    } finally {
      peer.ws.terminate();
    }
    await t.events.next('flow-closed');
  });

  it('RFC 7118 4: a handshake that does not offer "sip" is refused', async () => {
    const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, undefined);
    const [, refused] = (await once(peer.ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(refused.statusCode, 400);
    const other = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['chat']);
    const [, res] = (await once(other.ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    assert.equal(res.statusCode, 400);
    peer.ws.terminate();
    other.ws.terminate();
  });

  it('RFC 5626 4.4.1: keepalive() sends a CRLFCRLF frame; a CRLFCRLF ping gets a CRLF pong', async () => {
    const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    await peer.open();
    try {
      peer.ws.send(rawOptions('ws-ka@pc33', 'WS'));
      const { flow } = await t.events.next('message');
      assert.equal(t.layer.keepalive(flow), true);
      assert.equal((await peer.nextFrame()).data.toString(), '\r\n\r\n');
      peer.ws.send('\r\n\r\n');
      assert.equal((await peer.nextFrame()).data.toString(), '\r\n');
      assert.equal(t.events.pending.length, 0);
    } finally {
      peer.ws.terminate();
    }
    await t.events.next('flow-closed');
  });

  it('RFC 7118 5: a frame larger than maxMessageBytes closes the connection', async () => {
    const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    await peer.open();
    peer.ws.send('x'.repeat(5000));
    const [code] = (await once(peer.ws, 'close')) as [number];
    // RFC 6455 7.4.1: 1009 "message too big"
    assert.equal(code, 1009);
    await t.events.next('flow-closed');
  });

  it('WSS: a ws client offering "sip" over TLS exchanges messages', async () => {
    const peer = new WsPeer(`wss://127.0.0.1:${t.port('wss')}/`, ['sip'], { ca: cert });
    await peer.open();
    try {
      peer.ws.send(rawOptions('wss-in@pc33', 'WSS'));
      const { message, flow } = await t.events.next('message');
      assert.equal(header(message, 'Call-ID'), 'wss-in@pc33');
      assert.equal(flow.protocol, 'wss');
      await t.layer.send(okResponse('wss-in@pc33', 'WSS'), flow);
      assert.equal(parseWithNodeSip((await peer.nextFrame()).data)?.status, 200);
    } finally {
      peer.ws.terminate();
    }
    const closed = await t.events.next('flow-closed');
    assert.equal(closed.flow.protocol, 'wss');
  });

  it('servers cannot dial browsers: a ws SendTarget with no open connection rejects', async () => {
    await assert.rejects(
      t.layer.send(optionsRequest('ws-out@hailing', 'WS'), { protocol: 'ws', remote: { address: '127.0.0.1', port: 9 } }),
      /cannot be dialled/,
    );
  });

  it('send on a ws flow whose connection closed rejects, and keepalive() is false', async () => {
    const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    await peer.open();
    peer.ws.send(rawOptions('ws-gone@pc33', 'WS'));
    const { flow } = await t.events.next('message');
    peer.ws.terminate();
    await t.events.next('flow-closed');
    await assert.rejects(t.layer.send(okResponse('ws-gone@pc33', 'WS'), flow), /closed/);
    assert.equal(t.layer.keepalive(flow), false);
    assert.equal(t.layer.isAlive(flow), false);
  });
});

describe('WebSocket connection management', () => {
  it('an idle WS connection is closed after idleTimeoutMs', async () => {
    const { FakeClock } = await import('../clock.js');
    const clock = new FakeClock();
    const t = await startLayer(['ws'], { clock, idleTimeoutMs: 60_000 });
    try {
      const peer = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
      await peer.open();
      peer.ws.send(rawOptions('ws-idle@pc33', 'WS'));
      const { flow } = await t.events.next('message');
      clock.advance(59_999);
      assert.equal(t.layer.isAlive(flow), true);
      clock.advance(1);
      const closed = await t.events.next('flow-closed');
      assert.equal(closed.flow.connectionId, flow.connectionId);
      await once(peer.ws, 'close');
    } finally {
      await t.layer.close();
    }
  });

  it('WS upgrades over maxConnectionsPerSource are refused with 503', async () => {
    const t = await startLayer(['ws'], { maxConnectionsPerSource: 1 });
    try {
      const first = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
      await first.open();
      const second = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
      const [, res] = (await once(second.ws, 'unexpected-response')) as [unknown, { statusCode: number }];
      assert.equal(res.statusCode, 503);
      second.ws.terminate();
      first.ws.terminate();
    } finally {
      await t.layer.close();
    }
  });

  it('issue 18: upgrades refused with 503 at the connection cap, followed by bytes, leave no socket open', async () => {
    const { FakeClock } = await import('../clock.js');
    const { readdirSync } = await import('node:fs');
    const net = await import('node:net');
    const openFds = () => readdirSync('/proc/self/fd').length;
    const clock = new FakeClock();
    const t = await startLayer(['ws'], { clock, maxConnections: 1, errorGraceMs: 2_000 });
    const first = new WsPeer(`ws://127.0.0.1:${t.port('ws')}/`, ['sip']);
    const peers: import('node:net').Socket[] = [];
    try {
      await first.open();
      const baseline = openFds();
      // one peer closes when the server does (a browser), one keeps its half open for ever
      for (const allowHalfOpen of [false, true]) {
        const raw = net.connect({ host: '127.0.0.1', port: t.port('ws'), allowHalfOpen });
        peers.push(raw);
        raw.on('error', () => {});
        let received = '';
        raw.on('data', (d: Buffer) => (received += d.toString('latin1')));
        await once(raw, 'connect');
        raw.write(
          'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n',
        );
        const deadline = Date.now() + WAIT_MS;
        while (!received.includes('\r\n\r\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
        assert.match(received, /^HTTP\/1\.1 503 /);
        raw.write('x'.repeat(100));
      }
      await new Promise((r) => setTimeout(r, 50));
      clock.advance(2_000);
      for (const raw of peers) if (!raw.destroyed && raw.readableEnded) raw.destroy();
      const deadline = Date.now() + WAIT_MS;
      while (openFds() > baseline && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(openFds(), baseline, 'the server holds no socket for the refused upgrades');
    } finally {
      for (const raw of peers) raw.destroy();
      first.ws.terminate();
      await t.layer.close();
    }
  });

  it('close() does not wait for sockets the HTTP server handed over (refused upgrades whose peer stays)', async () => {
    const t = await startLayer(['ws'], { maxConnectionsPerSource: 0 });
    const net = await import('node:net');
    const raw = net.connect({ host: '127.0.0.1', port: t.port('ws') });
    raw.on('error', () => {});
    await once(raw, 'connect');
    raw.write('GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    await once(raw, 'data');
    raw.write('more bytes');
    try {
      await t.layer.close();
    } finally {
      raw.destroy();
    }
  });

  it('a plain HTTP request to the WS port gets 426 Upgrade Required', async () => {
    const t = await startLayer(['ws']);
    try {
      const res = await fetch(`http://127.0.0.1:${t.port('ws')}/`);
      assert.equal(res.status, 426);
    } finally {
      await t.layer.close();
    }
  });
});
