// Compiles and drives bench/rtp-phones.c (the C load generator of bench/relay.ts). Returns null when no
// C compiler is installed, so the bench falls back to its Node generator (bench/relay-load.ts).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

export interface PhonesDone {
  readonly sent: number;
  readonly received: number;
  readonly sendSeconds: number;
  readonly cpuSeconds: number;
  /** 10 µs buckets, the last one from 1 s up (the layout bench/relay-load.ts reports) */
  readonly histogram: number[];
}
export interface CPhones {
  readonly ports: number[];
  readonly pid: number;
  run(options: { readonly targets: number[]; readonly startEpochMs: number; readonly seconds: number }): Promise<PhonesDone>;
}

const BUCKETS = 100_001;

export async function startCPhones(options: { readonly sockets: number }): Promise<CPhones | null> {
  const source = path.join(path.dirname(new URL(import.meta.url).pathname), 'rtp-phones.c');
  const binary = path.join(mkdtempSync(path.join(os.tmpdir(), 'hailing-rtp-phones-')), 'rtp-phones');
  const cc = spawnSync('cc', ['-O2', '-o', binary, source], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (cc.error || cc.status !== 0) return null;

  const child = spawn(binary, [String(options.sockets)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const next = (): Promise<string> =>
    new Promise((resolve, reject) => {
      lines.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`rtp-phones exited with ${code}`)));
    });
  const first = await next();
  const ports = first.split(' ').slice(1).map(Number);
  return {
    ports,
    pid: child.pid!,
    async run({ targets, startEpochMs, seconds }) {
      const delayMs = Math.max(0, Math.round(startEpochMs - Date.now()));
      const reply = next();
      child.stdin.end(`${delayMs} ${seconds} ${targets.length} ${targets.join(' ')}\n`);
      const done = JSON.parse(await reply) as Omit<PhonesDone, 'histogram'> & { histogram: [number, number][] };
      const histogram = new Array<number>(BUCKETS).fill(0);
      for (const [i, count] of done.histogram) histogram[i] = count;
      return { ...done, histogram };
    },
  };
}
