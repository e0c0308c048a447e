// ACD events to wallboards (issue 17): 50 WebSocket clients on /api/v1/events while the ACD takes
// 100 calls/s (join, offer, answer, hang-up 1.5 s later, 200 agents, ring-all off). Each stream
// event's publish moment is noted where the ACD publishes it; each client notes when the same
// event (the n-th frame after its snapshot) arrives. Prints frames, delivery latency p50/p99/max
// and the process's CPU per second of load. The clients run in this process too, so the CPU and
// the latency include their parsing; nothing asserts.
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createCallEventsEndpoint } from '../server/api/events.js';
import { startHttpServer } from '../server/api/server.js';
import { createApiHarness, loginAs, quietApiLogger } from '../server/api/testing.js';
import { QueueWrite } from '../server/acd/config-schema.js';

const CLIENTS = Number(process.env['CLIENTS'] ?? 50);
const RATE = Number(process.env['CALLS_PER_S'] ?? 100);
const SECONDS = Number(process.env['SECONDS'] ?? 10);
const AGENTS = 200;

const h = await createApiHarness();
const acd = h.deps.acd!;
await acd.putQueue(QueueWrite.parse({ id: 'sales', name: 'Sales' }));
for (let a = 0; a < AGENTS; a++) {
  await acd.putAgent({ id: `a${a}`, name: `a${a}`, extension: String(2000 + a), pin: '1234', skills: {}, capacity: {}, maxMissed: 0, team: null });
  await acd.addMembership({ agentId: `a${a}`, queueId: 'sales', penalty: 0, weight: 1, position: a });
  acd.agentAction(`a${a}`, { action: 'login', browser: false });
}
const published: number[] = [];
acd.subscribe(() => published.push(performance.now()));
const endpoint = createCallEventsEndpoint({ access: h.deps.access!, callEvents: h.callEvents, logger: quietApiLogger, acdEvents: acd });
const server = await startHttpServer({ app: h.app, port: 0, address: '127.0.0.1', logger: quietApiLogger, upgrade: endpoint });
const token = await loginAs(h);
const latencies: number[] = [];
let frames = 0;
const clients = await Promise.all(
  Array.from({ length: CLIENTS }, async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/v1/events`, { headers: { authorization: `Bearer ${token}` } });
    let n = -1; // the snapshot comes first
    const base = { at: 0 };
    ws.on('message', (d: Buffer) => {
      const now = performance.now();
      const type = (JSON.parse(d.toString('utf8')) as { type: string }).type;
      if (!type.startsWith('acd.')) return;
      if (n === -1) {
        base.at = published.length; // deltas published before the snapshot reached us are not ours
        n = 0;
        return;
      }
      const at = published[base.at + n++];
      if (at !== undefined) latencies.push(now - at);
      frames++;
    });
    await new Promise((resolve) => ws.once('open', resolve));
    return ws;
  }),
);
await new Promise((r) => setTimeout(r, 500));

// the load: each tick joins RATE/100 callers; the FakeDriver's rings are answered at once, hung up 1.5 s later
const driver = acd.acd;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let calls = 0;
await new Promise<void>((resolve) => {
  const tick = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    for (; calls < due && calls < RATE * SECONDS; calls++) {
      const r = driver.enqueue({ queueId: 'sales', callId: `c${calls}`, caller: String(5000 + calls) });
      if (!r.ok) continue;
      const i = r.interaction;
      const offer = i.offer;
      const agentId = offer ? [...offer.ringing.keys()][0] : undefined;
      if (offer && agentId) driver.answered({ offerId: offer.id, agentId });
      setTimeout(() => driver.hangup({ interactionId: i.id, by: 'caller' }), 1500);
    }
    if (calls >= RATE * SECONDS) {
      clearInterval(tick);
      setTimeout(resolve, 2000);
    }
  }, 10);
});
const wallS = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(2);
const open = clients.filter((ws) => ws.readyState === WebSocket.OPEN).length;
console.log(`ACD wallboard: ${CLIENTS} clients (${open} still open; the server drops one whose send buffer passes 1 MiB), ${calls} calls at ${RATE}/s over ${SECONDS} s, ${published.length} stream events, ${frames} of ${published.length * CLIENTS} frames delivered`);
console.log(`delivery latency ms: p50 ${q(0.5)} p99 ${q(0.99)} max ${latencies.at(-1)!.toFixed(2)}`);
console.log(`CPU: ${((cpu.user + cpu.system) / 1e6 / wallS * 100).toFixed(1)} % of one core over ${wallS.toFixed(1)} s (server and clients in this process)`);
for (const ws of clients) ws.close();
await server.close();
await acd.close();
await h.cleanup();
