// The connection to baresip's ctrl_tcp module: finding the port it listens on, connecting, and
// netstring framing (ctrl_tcp frames each JSON command, response and event as `LEN:payload,`).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import net from 'node:net';

/** Splits netstrings (`LEN:payload,`) off the front of a byte stream. */
export function takeNetstrings(buf: Buffer): { payloads: string[]; rest: Buffer } {
  const payloads: string[] = [];
  let at = 0;
  for (;;) {
    const colon = buf.indexOf(0x3a, at);
    if (colon < 0) break;
    const len = Number(buf.subarray(at, colon).toString());
    if (!Number.isInteger(len) || len < 0) throw new Error(`ctrl_tcp: bad netstring length at ${at}`);
    if (buf.length < colon + 1 + len + 1) break;
    payloads.push(buf.subarray(colon + 1, colon + 1 + len).toString());
    at = colon + 1 + len + 1; // skip the trailing ','
  }
  return { payloads, rest: buf.subarray(at) };
}

/**
 * The port ctrl_tcp listens on. baresip is told port 0 (a fixed port picked here could be taken by a
 * parallel test process before baresip binds it) and does not log the port it got, so it is read from
 * Linux /proc: the process's listening TCP sockets other than SIP's (port and TLS port+1).
 */
function ctrlPortOf(pid: number, sipPort: number): number | undefined {
  let inodes: Set<string>;
  let table: string;
  try {
    inodes = new Set(readdirSync(`/proc/${pid}/fd`).map((fd) => /^socket:\[(\d+)\]$/.exec(readlinkSafe(`/proc/${pid}/fd/${fd}`))?.[1] ?? ''));
    table = readFileSync(`/proc/${pid}/net/tcp`, 'utf8');
  } catch {
    return undefined; // not started yet, or gone
  }
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/); // sl local rem st tx:rx tr:when retrnsmt uid timeout inode
    const port = parseInt(f[1]?.split(':')[1] ?? '', 16);
    if (f[3] === '0A' && inodes.has(f[9] ?? '-') && port !== sipPort && port !== sipPort + 1) return port;
  }
  return undefined;
}

function readlinkSafe(p: string): string {
  try {
    return readlinkSync(p);
  } catch {
    return '';
  }
}

export async function connectCtrl(pid: number, sipPort: number, alive: () => boolean, log: () => string): Promise<net.Socket> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const port = ctrlPortOf(pid, sipPort);
    const sock =
      port === undefined
        ? undefined
        : await new Promise<net.Socket | undefined>((resolve) => {
            const s = net.connect(port, '127.0.0.1');
            s.once('connect', () => resolve(s));
            s.once('error', () => resolve(undefined));
          });
    if (sock) return sock;
    if (!alive() || Date.now() > deadline) throw new Error(`baresip ctrl_tcp not reachable; output:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
