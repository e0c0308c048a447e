// baresip (Debian baresip-core 1.0) as a scripted, real SIP phone (TESTING.md recipe). Calls are
// driven mid-run over baresip's ctrl_tcp module: netstring-framed JSON commands in, JSON responses
// and events (CALL_INCOMING, CALL_RINGING, CALL_ESTABLISHED, CALL_CLOSED with the SIP reason, ...) out.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectCtrl, takeNetstrings } from './baresip-ctrl.js';
import { parseTrace, type TracedMessage } from './baresip-trace.js';
import { freePortBlock } from './ports.js';

export type { TracedMessage } from './baresip-trace.js';

export interface PhoneOptions {
  user: string;
  /** digest password; without a server the phone does not register and needs none */
  password?: string;
  /** the SIP domain (AOR host) */
  domain: string;
  /** registrar and outbound proxy; omitted: a standalone phone, called directly by IP and port */
  server?: { host: string; port: number };
  transport?: 'udp' | 'tcp' | 'tls';
  /** CA file (the server's self-signed certificate) for TLS */
  caFile?: string;
  /** registration interval in seconds (baresip `regint`) */
  regint?: number;
  extraModules?: string[];
  /** loopback address the phone binds for SIP and RTP (distinct per phone for per-source bans) */
  listenAddress?: string;
  /** frequency in Hz of the sine the phone sends as its microphone (ausine); default 400 */
  tone?: number;
  /** a WAV file the phone sends as its microphone instead of the sine (aufile; silence after its end) */
  audioFile?: string;
  /** baresip account `mediaenc`: SDES-SRTP (RFC 4568); `srtp-mand` offers RTP/SAVP and refuses plain RTP */
  mediaenc?: 'srtp' | 'srtp-mand' | 'srtp-mandf';
  /** 'auto' answers incoming calls at once, 'manual' rings until answer(); default 'auto' */
  answerMode?: 'auto' | 'manual';
  /** baresip -s: SIP trace of every message sent and received in output() */
  sipTrace?: boolean;
}

/** One ctrl_tcp event, with the wall-clock time (ms since epoch) it reached the test. */
export interface PhoneEvent {
  type: string;
  class?: string;
  direction?: string;
  peeruri?: string;
  /** baresip's call id (shared by both phones in a direct call; per leg through a B2BUA) */
  id?: string;
  /** e.g. the SIP reason for CALL_CLOSED ("480 Temporarily Unavailable") */
  param?: string;
  at: number;
}

export interface WaitForEventOptions {
  type: string;
  /** only events at this index of `events` or later (take `events.length` before acting) */
  since?: number;
  match?: (e: PhoneEvent) => boolean;
  /** give up at once when a CALL_CLOSED comes first; default: true unless waiting for CALL_CLOSED */
  failOnClose?: boolean;
  timeoutMs?: number;
}

export interface Phone {
  readonly dir: string;
  readonly listenPort: number;
  readonly events: readonly PhoneEvent[];
  output(): string;
  /** resolves when baresip's log matches `pattern` (bounded by timeoutMs) */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  waitForEvent(o: WaitForEventOptions): Promise<PhoneEvent>;
  /** any menu command over ctrl_tcp ("dial", "hangup", "accept", "listcalls", ...) */
  command(command: string, params?: string): Promise<{ ok: boolean; data: string }>;
  dial(uri: string): Promise<void>;
  /** DTMF digits in the current call (menu `sndcode`): baresip 1.0 sends them as RFC 4733 events */
  sendDigits(digits: string): Promise<void>;
  hangup(): Promise<void>;
  answer(): Promise<void>;
  /** the SIP messages of the -s trace (sipTrace: true), in order */
  sipTrace(): TracedMessage[];
  /** the sndfile dumps of what the phone heard (`*-dec.wav`), oldest first */
  decodedDumps(): string[];
  /** a clean stop: baresip unregisters on SIGTERM before it exits */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

function writeConfig(dir: string, o: PhoneOptions, listenAddress: string, listenPort: number): void {
  const modules = [
    'g711.so',
    'ausine.so',
    'aubridge.so',
    'sndfile.so',
    ...(o.audioFile ? ['aufile.so'] : []),
    ...(o.mediaenc ? ['srtp.so'] : []),
    ...(o.extraModules ?? []),
  ];
  writeFileSync(
    path.join(dir, 'config'),
    [
      `sip_listen ${listenAddress}:${listenPort}`,
      // RTP and the SDP address follow this; without it baresip offers the default interface
      `net_interface ${listenAddress}`,
      ...(o.caFile ? [`sip_cafile ${o.caFile}`] : []),
      o.audioFile ? `audio_source aufile,${o.audioFile}` : `audio_source ausine,${o.tone ?? 400}`,
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
      'module_app ctrl_tcp.so',
      'ctrl_tcp_listen 127.0.0.1:0',
      '',
    ].join('\n'),
  );
  const params = [`answermode=${o.answerMode ?? 'auto'}`];
  if (o.mediaenc) params.push(`mediaenc=${o.mediaenc}`);
  if (o.password !== undefined) params.push(`auth_pass=${o.password}`);
  if (o.server) {
    const registrar = `${o.server.host}:${o.server.port};transport=${o.transport ?? 'udp'}`;
    params.push(`outbound="sip:${registrar}"`, `regint=${o.regint ?? 600}`);
  } else {
    params.push('regint=0');
  }
  writeFileSync(path.join(dir, 'accounts'), `<sip:${o.user}@${o.domain}>;${params.join(';')}\n`);
}

export async function startPhone(o: PhoneOptions): Promise<Phone> {
  const dir = mkdtempSync(path.join(tmpdir(), `baresip-${o.user}-`));
  const listenAddress = o.listenAddress ?? '127.0.0.1';
  const listenPort = await freePortBlock(4, listenAddress);
  writeConfig(dir, o, listenAddress, listenPort);

  const child: ChildProcess = spawn('baresip', ['-f', dir, ...(o.sipTrace ? ['-s'] : [])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const events: PhoneEvent[] = [];
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
  };
  const onData = (d: Buffer) => {
    out += d.toString();
    wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  let running = true;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running = false;
      resolve();
    }),
  );

  const failure = (why: string) =>
    new Error(`baresip ${o.user}: ${why}; events: ${JSON.stringify(events.map((e) => [e.type, e.param]))}\noutput (tail):\n${out.slice(-8000)}`);
  /** `probe` returns the awaited value, undefined to keep waiting, or an Error to give up at once */
  const waitUntil = <T>(what: string, probe: () => T | Error | undefined, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const check = () => {
        const v = probe();
        if (v === undefined) return;
        waiters.delete(check);
        clearTimeout(timer);
        if (v instanceof Error) reject(v);
        else resolve(v);
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(failure(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  const eventProbe = ({ type, since = 0, match, failOnClose = type !== 'CALL_CLOSED' }: WaitForEventOptions) => () => {
    for (const e of events.slice(since)) {
      if (e.type === type && (match?.(e) ?? true)) return e;
      if (failOnClose && e.type === 'CALL_CLOSED') return failure(`call closed (${e.param ?? ''}) before ${type}`);
    }
    return undefined;
  };

  // ctrl_tcp serves one connection at a time and sends its events there, so the phone keeps one.
  let sock: net.Socket;
  try {
    sock = await connectCtrl(child.pid ?? -1, listenPort, () => running, () => out);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  let pending: Buffer = Buffer.alloc(0);
  const responses = new Map<string, { ok: boolean; data: string }>();
  sock.on('data', (d: Buffer) => {
    const { payloads, rest } = takeNetstrings(Buffer.concat([pending, d]));
    pending = rest;
    const at = Date.now();
    for (const p of payloads) {
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(p) as Record<string, unknown>;
      } catch {
        continue; // not JSON: nothing a test waits for
      }
      if (msg.response === true && typeof msg.token === 'string') {
        responses.set(msg.token, { ok: msg.ok === true, data: String(msg.data ?? '') });
      } else if (msg.event === true && typeof msg.type === 'string') {
        const str = (k: string) => (typeof msg[k] === 'string' ? (msg[k] as string) : undefined);
        events.push({ type: msg.type, class: str('class'), direction: str('direction'), peeruri: str('peeruri'), id: str('id'), param: str('param'), at });
      }
    }
    wake();
  });
  sock.on('error', () => undefined); // baresip exiting resets the connection

  let nextToken = 1;
  const command = async (cmd: string, params = '') => {
    const token = String(nextToken++);
    const body = Buffer.from(JSON.stringify({ command: cmd, params, token }));
    sock.write(Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]));
    const r = await waitUntil(`response to ${cmd}`, () => responses.get(token), 5_000);
    responses.delete(token);
    return r;
  };
  const mustSucceed = async (cmd: string, params?: string) => {
    const r = await command(cmd, params);
    if (!r.ok) throw new Error(`baresip ${o.user}: ${cmd} ${params ?? ''} failed: ${r.data}`);
  };

  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(t);
    sock.destroy();
  };
  return {
    dir,
    listenPort,
    events,
    output: () => out,
    waitFor: (pattern, timeoutMs = 15_000) => waitUntil(String(pattern), () => out.match(pattern)?.[0], timeoutMs),
    waitForEvent: ({ type, since, match, failOnClose, timeoutMs = 15_000 }) =>
      waitUntil(`${type} event`, eventProbe({ type, since, match, failOnClose }), timeoutMs),
    command,
    dial: (uri) => mustSucceed('dial', uri),
    sendDigits: (digits) => mustSucceed('sndcode', digits),
    hangup: () => mustSucceed('hangup'),
    answer: () => mustSucceed('accept'),
    sipTrace: () => parseTrace(out),
    decodedDumps: () =>
      readdirSync(dir)
        .filter((f) => f.endsWith('-dec.wav'))
        .sort()
        .map((f) => path.join(dir, f)),
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
  };
}

/** startPhone, then wait for its REGISTER's 200 with its one binding; `into` collects it for stopPhones */
export async function registeredPhone(o: PhoneOptions, into: Phone[]): Promise<Phone> {
  const phone = await startPhone(o);
  into.push(phone);
  await phone.waitFor(/200 OK.*\[1 binding\]/);
  return phone;
}

/** kills the phones and removes their folders */
/** The SIP messages `phone` received whose start line matches (from its trace). */
export const received = (phone: Phone, startLine: RegExp): TracedMessage[] =>
  phone.sipTrace().filter((m) => m.dst.endsWith(`:${phone.listenPort}`) && startLine.test(m.startLine));

export async function stopPhones(phones: readonly Phone[]): Promise<void> {
  await Promise.all(phones.map((p) => p.kill()));
  for (const p of phones) rmSync(p.dir, { recursive: true, force: true });
}
