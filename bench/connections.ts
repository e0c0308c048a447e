// Issue 18 finding 3, measured: fill the SIP connection table with idle connections holding a
// partial message, from many loopback addresses (100 per address, the per-source limit), then
// close them all at once and watch the server: how long its main thread is busy, how long until
// every socket is gone, and how SIP over UDP (OPTIONS every 20 ms) is answered meanwhile.
// Usage: node --import tsx bench/connections.ts [--connections N] [--env KEY=VALUE ...]
import dgram from 'node:dgram';
import net from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { startHailing } from '../test/helpers/hailing-process.js';

const args = process.argv.slice(2);
const option = (name: string): string[] => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
const connections = Number(option('--connections')[0] ?? 2500);
const env = Object.fromEntries(option('--env').map((kv) => kv.split('=', 2) as [string, string]));
const PER_ADDRESS = 100;
const PARTIAL = 'OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=z9hG4bKslow\r\nMax-Forwards: 70\r\n';

const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
/** the main thread's own CPU seconds (its task has the process id), not the workers' */
const mainCpu = (pid: number): number => {
  const f = readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(f[11]) + Number(f[12])) / 100;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const address = (i: number) => `127.${20 + Math.floor(i / 25_600)}.${Math.floor(i / 100) % 256}.${(i % 100) + 1}`;

async function fill(port: number): Promise<net.Socket[]> {
  const sockets: net.Socket[] = [];
  const one = (i: number) =>
    new Promise<void>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port, localAddress: address(Math.floor(i / PER_ADDRESS)) });
      s.on('error', () => resolve());
      s.once('connect', () => {
        s.write(PARTIAL);
        sockets.push(s);
        resolve();
      });
    });
  for (let i = 0; i < connections; i += 200) await Promise.all(Array.from({ length: Math.min(200, connections - i) }, (_, k) => one(i + k)));
  return sockets;
}

/** OPTIONS over UDP every 20 ms; latency per answered probe */
function probe(port: number) {
  const socket = dgram.createSocket('udp4');
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  let n = 0;
  socket.on('message', (m) => {
    const id = /Call-ID:\s*(\S+)/i.exec(m.toString())?.[1];
    const at = id ? sent.get(id) : undefined;
    if (id && at !== undefined) {
      latencies.push(performance.now() - at);
      sent.delete(id);
    }
  });
  socket.bind(0, '127.0.0.1');
  const timer = setInterval(() => {
    n++;
    const id = `probe-${n}@bench`;
    const local = socket.address().port;
    const text =
      `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-probe-${n};rport\r\n` +
      `Max-Forwards: 70\r\nTo: <sip:127.0.0.1>\r\nFrom: <sip:probe@127.0.0.1>;tag=p${n}\r\nCall-ID: ${id}\r\nCSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    sent.set(id, performance.now());
    socket.send(text, port, '127.0.0.1');
  }, 20);
  return {
    stop() {
      clearInterval(timer);
      socket.close();
      const sorted = [...latencies].sort((a, b) => a - b);
      return { sent: n, answered: latencies.length, p50: sorted[Math.floor(sorted.length / 2)] ?? NaN, max: sorted[sorted.length - 1] ?? NaN };
    },
  };
}

const server = await startHailing({ env: { HAILING_MAX_CONNECTIONS: String(connections), HAILING_LOG_LEVEL: 'warn', ...env } });
try {
  const pid = server.pid;
  const base = fds(pid);
  const t0 = performance.now();
  const sockets = await fill(server.ports.sip);
  while (fds(pid) < base + sockets.length - 5 && performance.now() - t0 < 60_000) await sleep(100);
  const held = fds(pid) - base;
  console.log(`filled: ${sockets.length} client connections open, server holds ${held} more fds, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await sleep(1000);
  const p = probe(server.ports.sip);
  await sleep(1000);
  const cpu0 = mainCpu(pid);
  const c0 = performance.now();
  for (const s of sockets) s.destroy();
  while (fds(pid) > base + 5 && performance.now() - c0 < 120_000) await sleep(20);
  const closeWall = (performance.now() - c0) / 1000;
  const closeCpu = mainCpu(pid) - cpu0;
  await sleep(2000);
  const r = p.stop();
  console.log(
    `closing ${held}: server fds back to baseline after ${closeWall.toFixed(2)} s, main thread CPU ${closeCpu.toFixed(2)} s; ` +
      `UDP OPTIONS every 20 ms over the close and 2 s after: ${r.answered}/${r.sent} answered, p50 ${r.p50.toFixed(1)} ms, max ${r.max.toFixed(0)} ms`,
  );
} finally {
  await server.kill('SIGKILL');
}
