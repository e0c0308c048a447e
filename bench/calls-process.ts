// Process plumbing for the call-setup benchmark (bench/calls.ts): the generator child processes,
// figures read from /proc, and a stop that leaves nothing running when the bench is interrupted.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** user+system CPU seconds of a process and all its threads, from /proc (clock ticks of 1/100 s) */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** resident memory now (VmRSS) or its peak since the process started (VmHWM), in MB */
export function memMb(pid: number, key: 'VmRSS' | 'VmHWM'): number {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${key}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) / 1024 : NaN;
}

export const sleep = (msec: number): Promise<void> => new Promise((r) => setTimeout(r, msec));

/**
 * The processes this bench started. If it is interrupted, or its output pipe closes (`| head`),
 * they are killed before it exits, so no server or generator is left behind.
 */
export class ChildRegistry {
  readonly #pids = new Set<number>();
  constructor() {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => this.#stop(sig));
    process.stdout.on('error', (err) => this.#stop(`stdout: ${err.message}`));
  }
  add(pid: number | undefined): void {
    if (pid !== undefined && pid > 0) this.#pids.add(pid);
  }
  #stop(why: string): never {
    for (const pid of this.#pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    process.stderr.write(`calls bench stopped: ${why}\n`);
    process.exit(1);
  }
}

/**
 * A generator process (bench/calls-*.ts) spoken to over the IPC channel: send a command, await the
 * reply of a given type. The child exits by itself when the channel closes.
 */
export class Generator {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<string, (m: Record<string, unknown>) => void>();
  constructor(o: { file: string; args: unknown; registry: ChildRegistry }) {
    this.#child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'bench', o.file), JSON.stringify(o.args)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    o.registry.add(this.#child.pid);
    this.#child.on('message', (m: Record<string, unknown>) => {
      const w = this.#waiting.get(String(m.type));
      this.#waiting.delete(String(m.type));
      w?.(m);
    });
    this.#child.on('exit', (code) => {
      for (const w of this.#waiting.values()) w({ type: 'exit', code });
    });
  }
  next<T>(type: string, command?: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      this.#waiting.set(type, (m) => (m.type === 'exit' ? reject(new Error(`waiting for ${type}: generator exited ${String(m.code)}`)) : resolve(m as T)));
      if (command !== undefined) this.#child.send(command as object);
    });
  }
  get pid(): number {
    return this.#child.pid ?? -1;
  }
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null) return;
    const exited = new Promise((r) => this.#child.once('exit', r));
    this.#child.send({ type: 'stop' });
    const t = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(t);
  }
}
