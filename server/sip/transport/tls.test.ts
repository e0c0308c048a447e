import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../logger.js';
import { ensureCertificate } from './certificate.js';
import type { StartedLayer } from './test-support.js';
import { header, okResponse, optionsRequest, parseWithNodeSip, rawOptions, startLayer, until } from './test-support.js';

describe('TLS transport (RFC 3261 §18.3, §26.2.1) with a generated self-signed certificate', () => {
  let dataDir: string;
  let material: { cert: string; key: string };
  let t: StartedLayer;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'hailing-tls-'));
    material = await ensureCertificate({ dataDir, hostnames: ['localhost', '127.0.0.1'], logger: silentLogger });
    t = await startLayer(['tls'], { tls: { cert: material.cert, key: material.key } });
  });
  after(async () => {
    await t.layer.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('RFC 3261 18.3: a node:tls client that trusts the certificate exchanges messages over TLS', async () => {
    // the client verifies against the generated certificate itself: proof it is the one served
    const socket = tls.connect({ host: '127.0.0.1', port: t.port('tls'), ca: material.cert, servername: 'localhost' });
    await once(socket, 'secureConnect');
    assert.equal(socket.authorized, true);
    let got = '';
    socket.on('data', (d: Buffer) => (got += d.toString('latin1')));
    try {
      socket.write(rawOptions('tls-in@pc33', 'TLS'));
      const { message, flow } = await t.events.next('message');
      assert.equal(header(message, 'Call-ID'), 'tls-in@pc33');
      assert.equal(flow.protocol, 'tls');
      assert.ok(flow.connectionId);
      await t.layer.send(okResponse('tls-in@pc33', 'TLS'), flow);
      await until(() => got.endsWith('\r\n\r\n'), 'the 200 OK');
      assert.equal(parseWithNodeSip(got)?.status, 200);
      // RFC 5626 3.5.1 over TLS as well
      got = '';
      socket.write('\r\n\r\n');
      await until(() => got === '\r\n', 'the CRLF pong');
    } finally {
      socket.destroy();
    }
    await t.events.next('flow-closed');
  });

  it('RFC 3261 18.1.1: a TLS SendTarget is dialled without verifying a self-signed peer', async () => {
    const server = tls.createServer({ cert: material.cert, key: material.key });
    const accepted = new Promise<tls.TLSSocket>((resolve) => server.once('secureConnection', resolve));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    try {
      const flow = await t.layer.send(optionsRequest('tls-out@hailing', 'TLS'), {
        protocol: 'tls',
        remote: { address: '127.0.0.1', port },
      });
      assert.equal(flow.protocol, 'tls');
      const sock = await accepted;
      let got = '';
      sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
      await until(() => got.endsWith('\r\n\r\n'), 'the request');
      assert.equal(parseWithNodeSip(got)?.headers['call-id'], 'tls-out@hailing');
      sock.destroy();
      await t.events.next('flow-closed');
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('a tls listening point without a certificate fails to start with a clear error', async () => {
    await assert.rejects(startLayer(['tls']), /tls 127\.0\.0\.1:0.*certificate/);
  });
});
