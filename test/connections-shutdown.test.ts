// Issue 18 finding 4 against the real process: at the connection cap, WebSocket upgrades refused
// with 503 and followed by bytes must not leave sockets behind (the probe saw fds 50 → 150 with
// HAILING_MAX_CONNECTIONS=5), and SIGTERM must end the process with such sockets open (the probe's
// drain was still waiting after 150 s).
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import net from 'node:net';
import { once } from 'node:events';
import WebSocket from 'ws';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';

const CAP = 5;
const REFUSED = 40;

const openFds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;

const UPGRADE =
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: sip\r\n\r\n';

/** An upgrade refused with 503, then bytes; half the peers never close their side. */
async function refusedUpgrade(port: number, allowHalfOpen: boolean): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen });
  socket.on('error', () => {});
  await once(socket, 'connect');
  let received = '';
  const answered = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      received += d.toString('latin1');
      if (received.includes('\r\n\r\n')) resolve();
    });
  });
  socket.write(UPGRADE);
  await Promise.race([answered, new Promise((r) => setTimeout(r, 5_000))]);
  assert.match(received, /^HTTP\/1\.1 503 /, 'refused at the cap');
  socket.write('bytes after the refusal');
  return socket;
}

async function waitUntil(cond: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

describe('connection cap and shutdown (issue 18 finding 4)', () => {
  let server: HailingProcess | undefined;
  const clients: Array<{ close(): void }> = [];
  after(async () => {
    for (const c of clients) c.close();
    await server?.kill('SIGKILL');
  });

  it(`WS upgrades refused with 503 at HAILING_MAX_CONNECTIONS=${CAP}, followed by bytes, leave no socket open in the server`, async () => {
    server = await startHailing({ env: { HAILING_MAX_CONNECTIONS: String(CAP) } });
    const url = `ws://127.0.0.1:${server.ports.ws}/`;
    for (let i = 0; i < CAP; i++) {
      const ws = new WebSocket(url, ['sip']);
      ws.on('error', () => {});
      clients.push({ close: () => ws.terminate() });
      await once(ws, 'open');
    }
    const pid = server.pid;
    const baseline = openFds(pid);
    for (let i = 0; i < REFUSED; i++) {
      const socket = await refusedUpgrade(server.ports.ws, i % 2 === 1);
      clients.push({ close: () => socket.destroy() });
    }
    // the refused sockets linger at most the error grace (2 s) for the response to leave
    await waitUntil(() => openFds(pid) <= baseline + 2, 15_000);
    const fds = openFds(pid);
    assert.ok(fds <= baseline + 2, `server fds: ${baseline} before ${REFUSED} refused upgrades, ${fds} after`);
  });

  it('SIGTERM with refused half-open sockets and a partial SIP message pending ends the process cleanly', async () => {
    assert.ok(server);
    // fresh ones, still within their linger when the signal comes
    for (let i = 0; i < 4; i++) {
      const socket = await refusedUpgrade(server.ports.ws, true);
      clients.push({ close: () => socket.destroy() });
    }
    const tcp = net.connect({ host: '127.0.0.1', port: server.ports.sip, allowHalfOpen: true });
    tcp.on('error', () => {});
    clients.push({ close: () => tcp.destroy() });
    await once(tcp, 'connect');
    tcp.write('OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1');
    // the helper sends SIGKILL (exit code null) if the process is still there 15 s after SIGTERM,
    // past HAILING_SHUTDOWN_TIMEOUT_MS's default of 10 s
    const code = await server.kill('SIGTERM');
    assert.equal(code, 0, `exit code after SIGTERM:\n${server.output().slice(-2000)}`);
    assert.match(server.output(), /hailing stopped/);
  });
});
