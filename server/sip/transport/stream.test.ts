import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FakeClock } from '../clock.js';
import type { StartedLayer } from './test-support.js';
import { header, okResponse, optionsRequest, parseWithNodeSip, rawOptions, startLayer, until, WAIT_MS } from './test-support.js';

/** A raw TCP client that records every byte it receives and whether the server closed. */
class TcpPeer {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => (this.received = Buffer.concat([this.received, d])));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  static async connect(port: number): Promise<TcpPeer> {
    const socket = net.connect({ host: '127.0.0.1', port });
    const peer = new TcpPeer(socket);
    await once(socket, 'connect');
    return peer;
  }

  text(): string {
    return this.received.toString('latin1');
  }
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function layerWith(extra: Parameters<typeof startLayer>[1] = {}): Promise<StartedLayer> {
  const t = await startLayer(['tcp'], extra);
  cleanups.push(() => t.layer.close());
  return t;
}

async function peer(t: StartedLayer): Promise<TcpPeer> {
  const p = await TcpPeer.connect(t.port('tcp'));
  cleanups.push(() => p.socket.destroy());
  return p;
}

describe('TCP transport (RFC 3261 §18.3)', () => {
  it('RFC 3261 18.3: a message written one byte at a time is reassembled by Content-Length', async () => {
    const t = await layerWith();
    const p = await peer(t);
    const bytes = Buffer.from(rawOptions('split@pc33', 'TCP'), 'latin1');
    for (const b of bytes) {
      p.socket.write(Buffer.from([b]));
      // let each octet leave as its own segment
      await new Promise((r) => setImmediate(r));
    }
    const { message, flow } = await t.events.next('message');
    assert.equal(header(message, 'Call-ID'), 'split@pc33');
    assert.equal(flow.protocol, 'tcp');
    assert.equal(typeof flow.connectionId, 'string');
    assert.equal(flow.remote.port, p.socket.localPort);
  });

  it('RFC 3261 18.3: two messages in one chunk become two messages, in order', async () => {
    const t = await layerWith();
    const p = await peer(t);
    p.socket.write(rawOptions('first@pc33', 'TCP') + rawOptions('second@pc33', 'TCP'));
    const a = await t.events.next('message');
    const b = await t.events.next('message');
    assert.equal(header(a.message, 'Call-ID'), 'first@pc33');
    assert.equal(header(b.message, 'Call-ID'), 'second@pc33');
    assert.equal(a.flow.connectionId, b.flow.connectionId);
  });

  it('RFC 3261 18.2.2: a response on the flow goes back on the same connection', async () => {
    const t = await layerWith();
    const p = await peer(t);
    p.socket.write(rawOptions('reply@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    const used = await t.layer.send(okResponse('reply@pc33', 'TCP'), flow);
    assert.equal(used.connectionId, flow.connectionId);
    await until(() => p.text().endsWith('\r\n\r\n'), 'the 200 OK');
    const parsed = parseWithNodeSip(p.received);
    assert.equal(parsed?.status, 200);
    assert.equal(parsed?.headers['call-id'], 'reply@pc33');
  });

  it('RFC 5626 3.5.1: a CRLFCRLF ping is answered with a CRLF pong', async () => {
    const t = await layerWith();
    const p = await peer(t);
    p.socket.write('\r\n\r\n');
    await until(() => p.received.length >= 2, 'the pong');
    assert.equal(p.text(), '\r\n');
    assert.equal(t.events.pending.length, 0);
  });

  it('RFC 5626 4.4.1: keepalive() writes CRLFCRLF on a live TCP flow', async () => {
    const t = await layerWith();
    const p = await peer(t);
    p.socket.write(rawOptions('ka@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    assert.equal(t.layer.keepalive(flow), true);
    await until(() => p.received.length >= 4, 'the keepalive');
    assert.equal(p.text(), '\r\n\r\n');
  });

  it('an idle connection is closed after idleTimeoutMs and flow-closed is emitted', async () => {
    const clock = new FakeClock();
    const t = await layerWith({ clock, idleTimeoutMs: 30_000 });
    const p = await peer(t);
    p.socket.write(rawOptions('idle@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    clock.advance(29_999);
    assert.equal(t.layer.isAlive(flow), true);
    clock.advance(1);
    const closed = await t.events.next('flow-closed');
    assert.equal(closed.flow.connectionId, flow.connectionId);
    assert.equal(t.layer.isAlive(flow), false);
    await until(() => p.closed, 'the peer to see the close');
  });

  it('keepalive traffic resets the idle timeout', async () => {
    const clock = new FakeClock();
    const t = await layerWith({ clock, idleTimeoutMs: 30_000 });
    const p = await peer(t);
    p.socket.write(rawOptions('idle2@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    clock.advance(20_000);
    p.socket.write('\r\n\r\n');
    await until(() => p.received.length >= 2, 'the pong');
    clock.advance(20_000);
    assert.equal(t.layer.isAlive(flow), true);
    clock.advance(10_000);
    await t.events.next('flow-closed');
  });

  it('connections over maxConnectionsPerSource from one IP are closed immediately', async () => {
    const t = await layerWith({ maxConnectionsPerSource: 2 });
    const a = await peer(t);
    const b = await peer(t);
    a.socket.write(rawOptions('lim-a@pc33', 'TCP'));
    b.socket.write(rawOptions('lim-b@pc33', 'TCP'));
    await t.events.next('message');
    await t.events.next('message');
    const c = await peer(t);
    await until(() => c.closed, 'the third connection to be closed');
    assert.equal(a.closed, false);
    // a freed slot admits a new connection
    a.socket.destroy();
    await t.events.next('flow-closed');
    const d = await peer(t);
    d.socket.write(rawOptions('lim-d@pc33', 'TCP'));
    const { message } = await t.events.next('message');
    assert.equal(header(message, 'Call-ID'), 'lim-d@pc33');
  });

  it('connections over maxConnections are closed immediately', async () => {
    const t = await layerWith({ maxConnections: 1 });
    const a = await peer(t);
    a.socket.write(rawOptions('glob-a@pc33', 'TCP'));
    await t.events.next('message');
    const b = await peer(t);
    await until(() => b.closed, 'the second connection to be closed');
    assert.equal(a.closed, false);
  });

  it('RFC 3261 18.3: a framing error emits parse-error, allows the 400, then closes the connection', async () => {
    const clock = new FakeClock();
    const t = await layerWith({ clock, errorGraceMs: 1000 });
    const p = await peer(t);
    p.socket.write(rawOptions('bad@pc33', 'TCP').replace('Content-Length: 0', 'Content-Length: -5'));
    const { error, flow } = await t.events.next('parse-error');
    assert.equal(typeof error.code, 'string');
    // the core's 400 still goes out on the failed flow, and the connection ends after it
    await t.layer.send({ ...okResponse('bad@pc33', 'TCP'), status: 400, reason: 'Bad Request' }, flow);
    await until(() => p.closed, 'the connection to close after the 400');
    assert.match(p.text(), /^SIP\/2\.0 400 Bad Request\r\n/);
    await t.events.next('flow-closed');
  });

  it('a framing error with no answer closes the connection when the grace period ends', async () => {
    const clock = new FakeClock();
    const t = await layerWith({ clock, errorGraceMs: 1000 });
    const p = await peer(t);
    p.socket.write(rawOptions('bad2@pc33', 'TCP').replace('Content-Length: 0', 'Content-Length: 99999999'));
    await t.events.next('parse-error');
    assert.equal(p.closed, false);
    clock.advance(1000);
    await until(() => p.closed, 'the connection to close');
  });

  it('send to a closed flow rejects with an error naming the flow', async () => {
    const t = await layerWith();
    const p = await peer(t);
    p.socket.write(rawOptions('gone@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    p.socket.destroy();
    await t.events.next('flow-closed');
    await assert.rejects(t.layer.send(okResponse('gone@pc33', 'TCP'), flow), /closed/);
    assert.equal(t.layer.keepalive(flow), false);
  });

  it('RFC 3261 18.2.2: a SendTarget matching an open connection reuses it', async () => {
    const t = await layerWith();
    const p = await peer(t);
    p.socket.write(rawOptions('reuse@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    const used = await t.layer.send(optionsRequest('reuse-out@hailing', 'TCP'), { protocol: 'tcp', remote: flow.remote });
    assert.equal(used.connectionId, flow.connectionId);
    await until(() => p.text().endsWith('\r\n\r\n'), 'the request');
    assert.equal(parseWithNodeSip(p.received)?.method, 'OPTIONS');
  });

  it('RFC 3261 18.1.1: a SendTarget with no connection opens one, and replies come back on it', async () => {
    const t = await layerWith();
    const server = net.createServer();
    const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((r) => server.close(r)));
    const port = (server.address() as net.AddressInfo).port;
    const flow = await t.layer.send(optionsRequest('dial@hailing', 'TCP'), { protocol: 'tcp', remote: { address: '127.0.0.1', port } });
    assert.equal(flow.remote.port, port);
    const sock = await Promise.race([accepted, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no connection')), WAIT_MS))]);
    cleanups.push(() => sock.destroy());
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    await until(() => got.endsWith('\r\n\r\n'), 'the request');
    assert.equal(parseWithNodeSip(got)?.headers['call-id'], 'dial@hailing');
    sock.write(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP server.example.com;branch=z9hG4bK776asdhds\r\n' +
        'To: <sip:carol@chicago.example.com>;tag=x1\r\nFrom: <sip:hailing@example.com>;tag=88sja8x\r\n' +
        'Call-ID: dial@hailing\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n',
    );
    const { message, flow: inFlow } = await t.events.next('message');
    assert.equal(message.kind === 'response' && message.status, 200);
    assert.equal(inFlow.connectionId, flow.connectionId);
    // and a second send to the same target reuses the connection
    const again = await t.layer.send(optionsRequest('dial2@hailing', 'TCP'), { protocol: 'tcp', remote: { address: '127.0.0.1', port } });
    assert.equal(again.connectionId, flow.connectionId);
  });

  it('a SendTarget that refuses connections rejects with an error naming it', async () => {
    const t = await layerWith();
    const server = net.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    await assert.rejects(
      t.layer.send(optionsRequest('refused@hailing', 'TCP'), { protocol: 'tcp', remote: { address: '127.0.0.1', port } }),
      new RegExp(`tcp 127\\.0\\.0\\.1:${port}`),
    );
  });

  it('connection ids are unique per connection', async () => {
    const t = await layerWith();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const p = await peer(t);
      p.socket.write(rawOptions(`id${i}@pc33`, 'TCP'));
      const { flow } = await t.events.next('message');
      assert.ok(flow.connectionId);
      ids.add(flow.connectionId);
    }
    assert.equal(ids.size, 5);
  });
});
