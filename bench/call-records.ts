// The call-record writes of a call, without SIP: each simulated call writes what server/app/calls.ts
// writes (newcall → begin, answered, the BYE's end with no disposition, the final hangup record)
// through CallRecordRepository and the BatchWriter on its worker thread, at a fixed rate. Prints the
// process CPU (main thread and writer worker together) per call. `--root DIR` loads the store from
// another checkout (e.g. a worktree of an older commit) to compare in one run. Asserts nothing.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const { values: o } = parseArgs({
  options: {
    root: { type: 'string', multiple: true },
    rate: { type: 'string', default: '200' },
    calls: { type: 'string', default: '2000' },
    'answer-ms': { type: 'string', default: '3' },
    'hold-ms': { type: 'string', default: '300' },
    'hangup-ms': { type: 'string', default: '2' },
    rounds: { type: 'string', default: '2' },
  },
});

const rate = Number(o.rate);
const calls = Number(o.calls);
const answerMs = Number(o['answer-ms']);
const holdMs = Number(o['hold-ms']);
const hangupMs = Number(o['hangup-ms']);
const roots = (o.root ?? ['.']).map((r) => resolve(r));

type Store = typeof import('../server/store/index.js');
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };

function leg(id: string, role: 'caller' | 'callee', at: number, answered: number | null, ended: number | null) {
  return {
    id, role, sipCallId: `${id}@bench`, uri: `sip:${id}@127.0.0.1:5070`, transport: 'udp', sourceAddress: '127.0.0.1:5070', userAgent: 'bench',
    startedAt: at, answeredAt: answered, endedAt: ended, sipStatus: answered === null ? null : 200, codec: 'PCMU',
    packetsReceived: 0, packetsSent: 0, bytesReceived: 0, bytesSent: 0, packetsLost: null, fractionLost: null, jitterMs: null,
    rttMs: null, mos: null, packetsDropped: 0, srtpFailures: 0,
  };
}

function record(i: number, at: number, phase: 'begin' | 'answered' | 'ended' | 'hangup') {
  const answered = phase === 'begin' ? null : at + answerMs;
  const ended = phase === 'ended' || phase === 'hangup' ? at + answerMs + holdMs : null;
  const legs = [leg(`c${i}-a`, 'caller', at, answered, ended), ...(phase === 'begin' ? [] : [leg(`c${i}-b`, 'callee', at + 1, answered, ended)])];
  return {
    id: `call-${i}`, caller: '300001', callerName: 'Bench', callee: '400001', startedAt: at, answeredAt: answered, endedAt: ended,
    durationS: ended === null ? null : 0, billableS: ended === null ? null : 0,
    disposition: phase === 'hangup' ? ('ANSWERED' as const) : null, hangupCause: ended === null ? null : 'normal-clearing',
    sipStatus: 200, hangupBy: ended === null ? null : ('caller' as const), codec: 'PCMU', recordingPath: null, recordingFormat: null,
    recordingDurationMs: null, recordingPauses: [], direction: 'internal' as const, legs,
    routing: { trace: [{ number: '400001', entry: 'default', pattern: '400001', result: 'matched' }], handlers: ['dial-extension'] },
  };
}

async function run(root: string): Promise<{ cpuMsPerCall: number; wallS: number }> {
  const store = (await import(join(root, 'server/store/index.ts'))) as Store;
  const dir = await mkdtemp(join(tmpdir(), 'hailing-bench-cdr-'));
  const database = await store.openDatabase({ dataDir: dir, logger: quiet });
  const writer = new store.BatchWriter({ client: database.client, logger: quiet });
  const repo = new store.CallRecordRepository({ db: database.db, writer, logger: quiet });
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const at = (ms: number, fn: () => void) => setTimeout(fn, Math.max(0, t0 + ms - performance.now()));
  for (let i = 0; i < calls; i++) {
    const start = (i * 1000) / rate;
    const wall = Date.now();
    at(start, () => pending.push(repo.begin(record(i, wall, 'begin'))));
    at(start + answerMs, () => pending.push(repo.update(record(i, wall, 'answered'))));
    at(start + answerMs + holdMs, () => pending.push(repo.update({ ...record(i, wall, 'ended') })));
    at(start + answerMs + holdMs + hangupMs, () => pending.push(repo.update(record(i, wall, 'hangup'))));
  }
  await sleep((calls * 1000) / rate + answerMs + holdMs + hangupMs + 50);
  await Promise.all(pending);
  await writer.flush();
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  await writer.close();
  database.close();
  await rm(dir, { recursive: true, force: true });
  return { cpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls, wallS };
}

console.log(`${calls} calls at ${rate}/s: begin, answered +${answerMs} ms, end +${holdMs} ms, final record +${hangupMs} ms`);
for (let r = 0; r < Number(o.rounds); r++) {
  for (const root of roots) {
    const { cpuMsPerCall, wallS } = await run(root);
    console.log(`  ${root}: CPU ${cpuMsPerCall.toFixed(3)} ms per call (process: main thread and writer worker) over ${wallS.toFixed(1)} s`);
  }
}
