// Issue 18 finding 3: sockets still in their TLS handshake or waiting for their WebSocket upgrade
// count against the per-source limit and a global cap, so one address cannot hold any number of
// half-finished handshakes (seen: limit 5, 50 sockets with a partial upgrade request all open).
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type net from 'node:net';
import { silentLogger } from '../logger.js';
import { ensureCertificate } from './certificate.js';
import type { TransportOptions } from './layer.js';
import type { StartedLayer } from './test-support.js';
import { connectRaw, startLayer, until } from './test-support.js';

const PARTIAL_UPGRADE = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function layer(protocol: 'ws' | 'tls' | 'wss', limits: Partial<TransportOptions>): Promise<StartedLayer> {
  let material: { cert: string; key: string } | undefined;
  if (protocol !== 'ws') {
    const dir = await mkdtemp(join(tmpdir(), 'hailing-pending-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    material = await ensureCertificate({ dataDir: dir, hostnames: ['localhost'], logger: silentLogger });
  }
  const t = await startLayer([protocol], { ...limits, ...(material ? { tls: material } : {}) });
  cleanups.push(() => t.layer.close());
  return t;
}

/** `count` raw TCP sockets that never finish: a partial upgrade request (WS) or no TLS handshake. */
async function holders(protocol: 'ws' | 'tls' | 'wss', port: number, count: number, spread: boolean): Promise<Array<{ socket: net.Socket; closed: () => boolean }>> {
  const out: Array<{ socket: net.Socket; closed: () => boolean }> = [];
  for (let i = 0; i < count; i++) {
    const p = await connectRaw({ port, ...(spread ? { localAddress: `127.0.0.${2 + i}` } : {}) });
    cleanups.push(() => p.socket.destroy());
    p.socket.resume();
    if (protocol === 'ws') p.socket.write(PARTIAL_UPGRADE);
    out.push(p);
  }
  return out;
}

const open = (ps: Array<{ closed: () => boolean }>) => ps.filter((p) => !p.closed()).length;

describe('pending handshakes and upgrades count against the connection limits (issue 18)', () => {
  for (const protocol of ['ws', 'tls', 'wss'] as const) {
    it(`${protocol}: 50 sockets from one address that never finish their ${protocol === 'ws' ? 'upgrade' : 'handshake'} keep at most maxConnectionsPerSource (5) open`, async () => {
      const t = await layer(protocol, { maxConnectionsPerSource: 5 });
      const ps = await holders(protocol, t.port(protocol), 50, false);
      await until(() => open(ps) <= 5, 'the sockets over the per-source limit to be closed');
      // and they stay refused: the five held are still open (nothing timed them out yet)
      assert.equal(open(ps), 5);
    });
  }

  it('ws: pending upgrades from many addresses are bounded by maxConnections', async () => {
    const t = await layer('ws', { maxConnections: 10, maxConnectionsPerSource: 100 });
    const ps = await holders('ws', t.port('ws'), 30, true);
    await until(() => open(ps) <= 10, 'the sockets over the global cap to be closed');
    assert.equal(open(ps), 10);
  });
});
