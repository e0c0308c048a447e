import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { createTransportLayer } from './layer.js';
import { silentLogger } from '../logger.js';
import type { StartedLayer } from './test-support.js';
import { EventQueue, header, okResponse, optionsRequest, parseWithNodeSip, rawOptions, startLayer, WAIT_MS } from './test-support.js';

async function udpClient(): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  sock.bind(0, '127.0.0.1');
  await once(sock, 'listening');
  return sock;
}

async function nextDatagram(sock: dgram.Socket): Promise<{ msg: Buffer; rinfo: dgram.RemoteInfo }> {
  const [msg, rinfo] = (await Promise.race([
    once(sock, 'message'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no datagram')), WAIT_MS).unref()),
  ])) as [Buffer, dgram.RemoteInfo];
  return { msg, rinfo };
}

describe('UDP transport (RFC 3261 §18.1.1, §18.2.1)', () => {
  let t: StartedLayer;
  let client: dgram.Socket;
  before(async () => {
    t = await startLayer(['udp']);
    client = await udpClient();
  });
  after(async () => {
    client.close();
    await t.layer.close();
  });

  it('RFC 3261 18.2.1: a datagram is parsed whole into a message with the sender as the flow', async () => {
    client.send(rawOptions('udp-in-1@pc33'), t.port('udp'), '127.0.0.1');
    const { message, flow } = await t.events.next('message');
    assert.equal(message.kind, 'request');
    assert.equal(message.kind === 'request' && message.method, 'OPTIONS');
    assert.equal(header(message, 'Call-ID'), 'udp-in-1@pc33');
    assert.equal(flow.protocol, 'udp');
    assert.deepEqual(flow.remote, { address: '127.0.0.1', port: client.address().port });
    assert.deepEqual(flow.local, { address: '127.0.0.1', port: t.port('udp') });
    assert.equal(flow.connectionId, undefined);
  });

  it('RFC 3581 4: a response on the flow leaves from the socket the request arrived on', async () => {
    client.send(rawOptions('udp-in-2@pc33'), t.port('udp'), '127.0.0.1');
    const { flow } = await t.events.next('message');
    const reply = nextDatagram(client);
    const used = await t.layer.send(okResponse('udp-in-2@pc33'), flow);
    const { msg, rinfo } = await reply;
    assert.equal(rinfo.port, t.port('udp'));
    assert.deepEqual(used.remote, flow.remote);
    const parsed = parseWithNodeSip(msg);
    assert.equal(parsed?.status, 200);
    assert.equal(parsed?.headers['call-id'], 'udp-in-2@pc33');
  });

  it('RFC 3261 18.1.1: a request to a SendTarget goes from the IPv4 listening socket', async () => {
    const reply = nextDatagram(client);
    const flow = await t.layer.send(optionsRequest('udp-out-1@hailing'), {
      protocol: 'udp',
      remote: { address: '127.0.0.1', port: client.address().port },
    });
    const { msg, rinfo } = await reply;
    assert.equal(rinfo.port, t.port('udp'));
    assert.equal(flow.local.port, t.port('udp'));
    const parsed = parseWithNodeSip(msg);
    assert.equal(parsed?.method, 'OPTIONS');
    assert.equal(parsed?.headers['call-id'], 'udp-out-1@hailing');
  });

  it('RFC 5626 4.4.2: a datagram of only CRLFs is a keepalive and produces no event', async () => {
    client.send('\r\n\r\n', t.port('udp'), '127.0.0.1');
    client.send(rawOptions('udp-after-ka@pc33'), t.port('udp'), '127.0.0.1');
    const { message } = await t.events.next('message');
    assert.equal(header(message, 'Call-ID'), 'udp-after-ka@pc33');
    assert.equal(t.events.pending.length, 0);
  });

  it('RFC 3261 16.3 / 21.4.1: an unparseable datagram is reported as parse-error, not dropped silently', async () => {
    client.send('this is not SIP\r\n\r\n', t.port('udp'), '127.0.0.1');
    const { error, flow } = await t.events.next('parse-error');
    assert.equal(typeof error.code, 'string');
    assert.equal(flow.remote.port, client.address().port);
  });

  it('RFC 5626 4.4.1: keepalive() is false for UDP flows (the registrar uses OPTIONS)', async () => {
    client.send(rawOptions('udp-ka@pc33'), t.port('udp'), '127.0.0.1');
    const { flow } = await t.events.next('message');
    assert.equal(t.layer.keepalive(flow), false);
    assert.equal(t.layer.isAlive(flow), true);
  });

  it('an IPv6 target with no IPv6 listening point rejects with a clear error', async () => {
    await assert.rejects(
      t.layer.send(optionsRequest('v6@hailing'), { protocol: 'udp', remote: { address: '::1', port: 5060 } }),
      /IPv6/,
    );
  });
});

describe('UDP over IPv6 loopback', () => {
  it('RFC 3261 18.2.1: receives on ::1 and answers from the same socket', async () => {
    const layer = createTransportLayer({ listen: [{ protocol: 'udp', address: '::1', port: 0 }], logger: silentLogger });
    const events = new EventQueue(layer);
    await layer.start();
    const port = layer.listening()[0]?.port ?? 0;
    const client = dgram.createSocket('udp6');
    client.bind(0, '::1');
    await once(client, 'listening');
    try {
      client.send(rawOptions('v6@pc33'), port, '::1');
      const { flow } = await events.next('message');
      assert.equal(flow.remote.address, '::1');
      const reply = nextDatagram(client);
      await layer.send(okResponse('v6@pc33'), flow);
      const { rinfo } = await reply;
      assert.equal(rinfo.port, port);
    } finally {
      client.close();
      await layer.close();
    }
  });
});
