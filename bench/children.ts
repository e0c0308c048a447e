// The bench processes' plumbing: a child started under tsx with an IPC channel, a request/answer
// over that channel, and a process's CPU time from /proc (so each figure is that process's own).
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

/** bench/<file> in its own process (under tsx), `extra` node flags before it */
export const startChild = (file: string, args: string[], extra: string[] = []): ChildProcess =>
  fork(path.join(here, file), args, { execArgv: ['--import', 'tsx', ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

/** sends `command` (none: just waits) and resolves with the child's first message of type `reply` */
export function request<T>(child: ChildProcess, command: object | null, reply: string, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${reply} from a bench child`)), timeoutMs);
    const on = (m: { type: string }): void => {
      if (m.type !== reply) return;
      clearTimeout(timer);
      child.off('message', on);
      resolve(m as T);
    };
    child.on('message', on);
    if (command !== null) child.send(command);
  });
}

/** utime + stime of a process (every thread), in seconds (clock ticks of 1/100 s) */
export const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

/** resident set size of a process, MiB */
export const rssMb = (pid: number): number => {
  const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : NaN;
};
