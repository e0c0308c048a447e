// Issue 18 finding 3 on real sockets: clients bound to different loopback addresses (127.0.0.0/8)
// stand for different sources and networks.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type net from 'node:net';
import type { StartedLayer } from './test-support.js';
import { connectRaw, header, rawOptions, startLayer, until } from './test-support.js';

interface Peer {
  socket: net.Socket;
  closed: () => boolean;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function connectFrom(t: StartedLayer, localAddress: string): Promise<Peer> {
  const p = await connectRaw({ port: t.port('tcp'), localAddress });
  cleanups.push(() => p.socket.destroy());
  return p;
}

/** Connect and have one message delivered, so the connection is surely registered. */
async function established(t: StartedLayer, localAddress: string, callId: string): Promise<Peer> {
  const p = await connectFrom(t, localAddress);
  p.socket.write(rawOptions(callId, 'TCP'));
  const { message, flow } = await t.events.next('message');
  assert.equal(header(message, 'Call-ID'), callId);
  assert.equal(flow.remote.address, localAddress);
  return p;
}

describe('connection admission on loopback sources (issue 18)', () => {
  it('the per-source limit refuses the N+1th connection from one address while another address still connects', async () => {
    const t = await startLayer(['tcp'], { maxConnectionsPerSource: 3, maxConnections: 100 });
    cleanups.push(() => t.layer.close());
    const mine: Peer[] = [];
    for (let i = 0; i < 3; i++) mine.push(await established(t, '127.0.7.2', `src-${i}@a`));
    const fourth = await connectFrom(t, '127.0.7.2');
    await until(fourth.closed, 'the fourth connection from 127.0.7.2 to be closed');
    await established(t, '127.0.7.3', 'other@b');
    assert.ok(mine.every((p) => !p.closed()));
  });

  it('fairness: with the table full of one /24, a client from another network still gets in and the flood gives up its idlest slot', async () => {
    const t = await startLayer(['tcp'], { maxConnectionsPerSource: 10, maxConnections: 6 });
    cleanups.push(() => t.layer.close());
    const flood: Peer[] = [];
    for (let i = 0; i < 6; i++) flood.push(await established(t, `127.0.8.${2 + (i % 3)}`, `flood-${i}@x`));
    // the flood's own network gets nothing more
    const more = await connectFrom(t, '127.0.8.50');
    await until(more.closed, 'a seventh connection from the flooding /24 to be closed');
    await established(t, '127.0.9.2', 'newcomer@y');
    await until(() => flood.some((p) => p.closed()), 'one flood connection to be closed');
    assert.deepEqual(flood.map((p) => p.closed()), [true, false, false, false, false, false], 'the longest idle goes');
  });
});
