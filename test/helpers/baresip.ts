// baresip (Debian baresip-core) as a scripted, real SIP phone (TESTING.md recipe).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePortBlock } from './ports.js';

export interface PhoneOptions {
  user: string;
  password: string;
  /** the SIP domain (AOR host) */
  domain: string;
  server: { host: string; port: number };
  transport: 'udp' | 'tcp' | 'tls';
  /** CA file (the server's self-signed certificate) for TLS */
  caFile?: string;
  /** registration interval in seconds (baresip `regint`) */
  regint?: number;
  extraModules?: string[];
  /** loopback address the phone binds (a distinct source address per phone tests per-source bans) */
  listenAddress?: string;
}

export interface Phone {
  readonly dir: string;
  readonly listenPort: number;
  output(): string;
  /** resolves when baresip's log matches `pattern` (bounded by timeoutMs) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** a clean stop: baresip unregisters on SIGTERM before it exits */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export async function startPhone(o: PhoneOptions): Promise<Phone> {
  const dir = mkdtempSync(path.join(tmpdir(), `baresip-${o.user}-`));
  const listenAddress = o.listenAddress ?? '127.0.0.1';
  const listenPort = await freePortBlock(4, listenAddress);
  const modules = ['g711.so', 'ausine.so', 'aubridge.so', 'sndfile.so', ...(o.extraModules ?? [])];
  writeFileSync(
    path.join(dir, 'config'),
    [
      `sip_listen ${listenAddress}:${listenPort}`,
      ...(o.caFile ? [`sip_cafile ${o.caFile}`] : []),
      'audio_source ausine,400',
      'ausrc_srate 48000',
      'ausrc_channels 2',
      'auplay_srate 48000',
      'auplay_channels 2',
      'audio_player aubridge,x1',
      `snd_path ${dir}`,
      'module_path /usr/lib/baresip/modules',
      ...modules.map((m) => `module ${m}`),
      'module_app account.so',
      'module_app menu.so',
      '',
    ].join('\n'),
  );
  const registrar = `${o.server.host}:${o.server.port};transport=${o.transport}`;
  writeFileSync(
    path.join(dir, 'accounts'),
    `<sip:${o.user}@${o.domain}>;auth_pass=${o.password};outbound="sip:${registrar}";regint=${o.regint ?? 600};answermode=auto\n`,
  );
  const child: ChildProcess = spawn('baresip', ['-f', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const waiters = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters) w();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const waitFor = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const m = out.match(pattern);
        if (m) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(m[0]);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`baresip ${o.user}: no ${pattern} within ${timeoutMs} ms; output:\n${out}`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
  };
  return { dir, listenPort, output: () => out, waitFor, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') };
}
