// Issue 18 finding 4: a refused upgrade's socket goes after the linger even when the peer keeps
// sending and never closes; the one helper serves SIP over WebSocket and the API's event stream.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { FakeClock } from '../clock.js';
import { endRefusedUpgrade } from './refused-upgrade.js';
import { until } from './test-support.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loopback pair: the server's socket (as Node hands it to an 'upgrade' handler) and the peer. */
async function pair(): Promise<{ server: net.Socket; peer: net.Socket }> {
  const listener = net.createServer();
  cleanups.push(() => new Promise((r) => listener.close(r)));
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const port = (listener.address() as net.AddressInfo).port;
  const accepted = once(listener, 'connection') as Promise<[net.Socket]>;
  // allowHalfOpen: the peer does not answer our FIN with its own (as the leaking clients did not)
  const peer = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  peer.on('error', () => {});
  cleanups.push(() => peer.destroy());
  const [server] = await accepted;
  // as after an 'upgrade' event: nothing reads the socket
  server.pause();
  cleanups.push(() => server.destroy());
  return { server, peer };
}

describe('refused upgrade (issue 18 finding 4)', () => {
  it('the response reaches the peer, and the socket is destroyed after the linger although the peer keeps it open and sending', async () => {
    const clock = new FakeClock();
    const { server, peer } = await pair();
    let received = '';
    peer.on('data', (d: Buffer) => (received += d.toString('latin1')));
    // the peer half-closes nothing and keeps talking: its FIN never comes
    peer.write('more bytes after the request');
    endRefusedUpgrade({ socket: server, response: 'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', clock, lingerMs: 2_000 });
    peer.write('and more');
    await until(() => received.startsWith('HTTP/1.1 503 '), 'the 503 to reach the peer');
    assert.equal(server.destroyed, false, 'lingers for the peer to read the response');
    clock.advance(2_000);
    assert.equal(server.destroyed, true);
    assert.equal(clock.pendingTimers(), 0);
  });

  it('a peer that closes first clears the linger timer', async () => {
    const clock = new FakeClock();
    const { server, peer } = await pair();
    peer.on('data', () => {});
    endRefusedUpgrade({ socket: server, response: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', clock, lingerMs: 2_000 });
    peer.end();
    await until(() => server.destroyed, 'the refused socket to close');
    assert.equal(clock.pendingTimers(), 0);
  });
});
