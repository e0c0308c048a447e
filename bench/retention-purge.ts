// Retention purge throughput: N ended calls with a recording file each (a few bytes: the purge's
// cost is the unlink, the row update and the audit row, not the size), one 30-day policy, the clock
// advanced past it; prints how long the purge took and the rate. Audit rows go through the real
// batching writer and are awaited before the clock stops. Asserts nothing.
//   flock /tmp/bench.lock npx tsx bench/retention-purge.ts --recordings 100000
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuditRepository, BatchWriter, RetentionRepository, openDatabase } from '../server/store/index.js';
import { AuditLog } from '../server/security/audit.js';
import { RetentionService } from '../server/recording/index.js';
import { arg } from './transcode-report.js';

const N = arg('recordings', 100_000);
const DAY = 86_400_000;
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hailing-bench-purge-'));
  const recordings = path.join(dir, 'recordings');
  const database = await openDatabase({ dataDir: dir, logger: quiet });
  try {
    const t0 = Date.now();
    const ended = 1_800_000_000_000;
    for (let i = 0; i < N; i += 1000) {
      const day = `d${Math.floor(i / 10_000)}`;
      mkdirSync(path.join(recordings, day), { recursive: true });
      const stmts = [];
      for (let j = i; j < Math.min(N, i + 1000); j++) {
        const rel = `${day}/c${j}.wav`;
        writeFileSync(path.join(recordings, rel), 'x');
        stmts.push({
          sql: `INSERT INTO call_records (id, caller, callee, started_at, answered_at, ended_at, disposition, recording_path, recording_format) VALUES (?, '13812345678', '1002', ?, ?, ?, 'ANSWERED', ?, 'wav')`,
          args: [`c${j}`, ended - 60_000, ended - 50_000, ended + j, rel],
        });
      }
      await database.client.batch(stmts, 'write');
    }
    console.log(`setup: ${N} recorded calls and files in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const writer = new BatchWriter({ client: database.client, logger: quiet });
    const clock = { now: () => ended + 31 * DAY };
    const auditRepo = await AuditRepository.open({ db: database.db, writer, now: clock.now });
    const audit = new AuditLog({ sink: auditRepo, logger: quiet });
    const repository = new RetentionRepository({ db: database.db, now: clock.now });
    await repository.createPolicy({ name: 'all', direction: null, disposition: null, tag: null, queue: null, retainDays: 30 });
    const service = new RetentionService({ repository, dir: recordings, clock, audit, worm: false, defaultDays: 0, logger: quiet });
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    const report = await service.purge();
    await audit.settled();
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpu0);
    await writer.close();
    console.log(`purge: ${report.deleted} deleted (${report.held} held, ${report.failed} failed) in ${seconds.toFixed(1)} s = ${(report.deleted / seconds).toFixed(0)} recordings/s, with one audit row each; CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0]!.toFixed(1)}`);
  } finally {
    database.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
