import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { silentLogger } from '../logger.js';
import type { Logger } from '../logger.js';
import { createTransportLayer } from './layer.js';
import { EventQueue, header, okResponse, rawOptions, startLayer, until } from './test-support.js';

describe('TransportLayer lifecycle', () => {
  it('port 0 picks a free port and listening() reports the real one', async () => {
    const t = await startLayer(['udp', 'tcp', 'ws']);
    try {
      const points = t.layer.listening();
      assert.equal(points.length, 3);
      for (const p of points) {
        assert.equal(p.address, '127.0.0.1');
        assert.ok(p.port > 0 && p.port < 65536, `${p.protocol} port ${p.port}`);
      }
    } finally {
      await t.layer.close();
    }
  });

  it('a TCP port already in use rejects start() naming protocol, address and port, without crashing', async () => {
    const blocker = net.createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as net.AddressInfo).port;
    const layer = createTransportLayer({ listen: [{ protocol: 'tcp', address: '127.0.0.1', port }], logger: silentLogger });
    try {
      await assert.rejects(layer.start(), (err: Error) => {
        assert.match(err.message, new RegExp(`tcp 127\\.0\\.0\\.1:${port}`));
        assert.match(err.message, /EADDRINUSE/);
        return true;
      });
    } finally {
      await layer.close();
      await new Promise((r) => blocker.close(r));
    }
  });

  it('a UDP port already in use rejects start() and releases the ports it did bind', async () => {
    const blocker = dgram.createSocket('udp4');
    blocker.bind(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = blocker.address().port;
    const layer = createTransportLayer({
      listen: [
        { protocol: 'tcp', address: '127.0.0.1', port: 0 },
        { protocol: 'udp', address: '127.0.0.1', port },
      ],
      logger: silentLogger,
    });
    try {
      await assert.rejects(layer.start(), new RegExp(`udp 127\\.0\\.0\\.1:${port}.*EADDRINUSE`));
      assert.equal(layer.listening().length, 0);
    } finally {
      blocker.close();
      await layer.close();
    }
  });

  it('a WS port already in use rejects start()', async () => {
    const blocker = net.createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const port = (blocker.address() as net.AddressInfo).port;
    const layer = createTransportLayer({ listen: [{ protocol: 'ws', address: '127.0.0.1', port }], logger: silentLogger });
    try {
      await assert.rejects(layer.start(), new RegExp(`ws 127\\.0\\.0\\.1:${port}`));
    } finally {
      await layer.close();
      await new Promise((r) => blocker.close(r));
    }
  });

  it('close() is idempotent, stops listening and destroys connections', async () => {
    const t = await startLayer(['tcp']);
    const port = t.port('tcp');
    const client = net.connect({ port, host: '127.0.0.1' });
    client.on('error', () => {});
    let closed = false;
    client.on('close', () => (closed = true));
    await once(client, 'connect');
    client.write(rawOptions('close@pc33', 'TCP'));
    const { flow } = await t.events.next('message');
    await Promise.all([t.layer.close(), t.layer.close()]);
    await t.layer.close();
    await until(() => closed, 'the connection to be destroyed');
    assert.equal(t.layer.listening().length, 0);
    assert.equal(t.layer.isAlive(flow), false);
    await assert.rejects(t.layer.send(okResponse('close@pc33', 'TCP'), flow), /closed/);
    const refused = net.connect({ port, host: '127.0.0.1' });
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');
  });

  it('CONVENTIONS 12: the trace hook sees every message in and out, with its flow', async () => {
    const t = await startLayer(['udp', 'tcp']);
    const client = dgram.createSocket('udp4');
    client.bind(0, '127.0.0.1');
    await once(client, 'listening');
    try {
      const raw = rawOptions('trace@pc33');
      client.send(raw, t.port('udp'), '127.0.0.1');
      const { flow } = await t.events.next('message');
      await t.layer.send(okResponse('trace@pc33'), flow);
      await once(client, 'message');
      const inbound = t.traces.filter((e) => e.direction === 'in');
      const outbound = t.traces.filter((e) => e.direction === 'out');
      assert.equal(inbound.length, 1);
      assert.equal(Buffer.from(inbound[0]!.bytes).toString('latin1'), raw);
      assert.equal(inbound[0]!.flow.remote.port, client.address().port);
      assert.equal(outbound.length, 1);
      assert.match(Buffer.from(outbound[0]!.bytes).toString('latin1'), /^SIP\/2\.0 200 OK\r\n/);
      assert.ok(typeof outbound[0]!.at === 'number');

      const tcp = net.connect({ port: t.port('tcp'), host: '127.0.0.1' });
      await once(tcp, 'connect');
      tcp.write(rawOptions('trace-tcp@pc33', 'TCP'));
      const got = await t.events.next('message');
      await t.layer.send(okResponse('trace-tcp@pc33', 'TCP'), got.flow);
      tcp.destroy();
      const tcpTraces = t.traces.filter((e) => e.flow.protocol === 'tcp');
      assert.deepEqual(tcpTraces.map((e) => e.direction), ['in', 'out']);
    } finally {
      client.close();
      await t.layer.close();
    }
  });

  it('a throwing event listener or trace hook is logged and does not stop delivery', async () => {
    const errors: string[] = [];
    const logger: Logger = {
      ...silentLogger,
      error: (obj: object | string, msg?: string) => errors.push(typeof obj === 'string' ? obj : (msg ?? '')),
      child: () => logger,
    };
    const layer = createTransportLayer({
      listen: [{ protocol: 'udp', address: '127.0.0.1', port: 0 }],
      logger,
      trace: () => {
        throw new Error('trace boom');
      },
    });
    layer.on('message', () => {
      throw new Error('listener boom');
    });
    const events = new EventQueue(layer);
    await layer.start();
    const client = dgram.createSocket('udp4');
    try {
      client.send(rawOptions('boom@pc33'), layer.listening()[0]!.port, '127.0.0.1');
      const { message } = await events.next('message');
      assert.equal(header(message, 'Call-ID'), 'boom@pc33');
      assert.equal(errors.length, 2);
    } finally {
      client.close();
      await layer.close();
    }
  });

  it('send() before start() rejects', async () => {
    const layer = createTransportLayer({ listen: [], logger: silentLogger });
    await assert.rejects(layer.send(okResponse('x@y'), { protocol: 'udp', remote: { address: '127.0.0.1', port: 9 } }), /new/);
  });
});

describe('IPv6 stream listening points', () => {
  it('RFC 3261 18.3: TCP on ::1 receives and answers with IPv6 flow addresses', async () => {
    const layer = createTransportLayer({ listen: [{ protocol: 'tcp', address: '::1', port: 0 }], logger: silentLogger });
    const events = new EventQueue(layer);
    await layer.start();
    const port = layer.listening()[0]!.port;
    const client = net.connect({ host: '::1', port });
    client.on('error', () => {});
    let got = '';
    client.on('data', (d: Buffer) => (got += d.toString('latin1')));
    try {
      await once(client, 'connect');
      client.write(rawOptions('v6tcp@pc33', 'TCP'));
      const { flow } = await events.next('message');
      assert.equal(flow.remote.address, '::1');
      assert.equal(flow.local.address, '::1');
      await layer.send(okResponse('v6tcp@pc33', 'TCP'), flow);
      await until(() => got.startsWith('SIP/2.0 200 OK\r\n') && got.endsWith('\r\n\r\n'), 'the 200 OK');
    } finally {
      client.destroy();
      await layer.close();
    }
  });
});
