// Runs the real Hailing process (server/main.ts under tsx) on free loopback ports with its own data
// directory, the way a user runs it, for black-box tests: restart, kill -9, real phones.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.js';
import { base32Decode, hotp, totpStep } from '../../server/users/totp.js';

export interface HailingPorts {
  http: number;
  sip: number; // UDP and TCP
  tls: number;
  ws: number;
  wss: number;
}

export interface HailingProcess {
  readonly dataDir: string;
  readonly pid: number;
  readonly ports: HailingPorts;
  readonly baseUrl: string;
  readonly output: () => string;
  /** the one-time admin password Hailing printed at its first start (generatedAdmin) */
  oneTimePassword(): string;
  /** log in as the test admin and return a bearer token */
  token(): Promise<string>;
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }>;
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export const ADMIN = { username: 'testadmin', password: 'test-admin-password-1' };

/**
 * The admin's TOTP secret is kept in a file inside the data folder, so a restart on the same folder,
 * or on the folder moved elsewhere (the recording crash test), keeps the enrolment; the last time
 * step used is kept per secret (the server accepts each step once).
 */
const TOTP_FILE = '.test-admin-totp';
const lastSteps = new Map<string, number>();

function rememberTotp(dataDir: string, secret: string): void {
  writeFileSync(path.join(dataDir, TOTP_FILE), secret, { mode: 0o600 });
}

/** RFC 6238: the code for the next time step this admin has not used (a code is accepted once). */
export function nextTotpCode(dataDir: string): string {
  let secret: string;
  try {
    secret = readFileSync(path.join(dataDir, TOTP_FILE), 'utf8').trim();
  } catch {
    throw new Error(`no TOTP enrolled for ${dataDir}`);
  }
  const step = Math.max(totpStep({ timeMs: Date.now() }), (lastSteps.get(secret) ?? -1) + 1);
  lastSteps.set(secret, step);
  return hotp({ key: base32Decode(secret) ?? Buffer.alloc(0), counter: step });
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

export async function allocatePorts(): Promise<HailingPorts> {
  return { http: await freePort(), sip: await freePort(), tls: await freePort(), ws: await freePort(), wss: await freePort() };
}

type StartOptions = {
  dataDir?: string;
  ports?: HailingPorts;
  env?: Record<string, string>;
  /** no HAILING_ADMIN_*: Hailing creates `admin` with a one-time password it prints (oneTimePassword()) */
  generatedAdmin?: boolean;
};

/**
 * Starts Hailing; when the ports were ours to choose and one was taken in the meantime by another
 * process (suites run in parallel), it starts again on other ports, up to three times.
 */
export async function startHailing(options: StartOptions = {}): Promise<HailingProcess> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'hailing-data-'));
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce({ ...options, dataDir, ports: options.ports ?? (await allocatePorts()) });
    } catch (err) {
      if (options.ports || attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startOnce(options: StartOptions & { dataDir: string; ports: HailingPorts }): Promise<HailingProcess> {
  const { dataDir, ports } = options;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    HAILING_DATA_DIR: dataDir,
    HAILING_BIND_ADDRESS: '127.0.0.1',
    HAILING_HTTP_PORT: String(ports.http),
    HAILING_SIP_UDP_PORT: String(ports.sip),
    HAILING_SIP_TCP_PORT: String(ports.sip),
    HAILING_SIP_TLS_PORT: String(ports.tls),
    HAILING_SIP_WS_PORT: String(ports.ws),
    HAILING_SIP_WSS_PORT: String(ports.wss),
    HAILING_ADMIN_USER: ADMIN.username,
    HAILING_ADMIN_PASSWORD: ADMIN.password,
    HAILING_LOG_LEVEL: process.env.HAILING_TEST_LOG_LEVEL ?? 'info',
    ...options.env,
  };
  for (const k of Object.keys(env)) if (k.startsWith('HAILING_TEST_')) delete env[k];
  if (options.generatedAdmin) {
    delete env.HAILING_ADMIN_USER;
    delete env.HAILING_ADMIN_PASSWORD;
  }
  // HAILING_TEST_DIST=1 runs the compiled build (`npm run build`), as `npm start` does; benchmarks use it
  const entry = process.env.HAILING_TEST_DIST === '1' ? [path.join(root, 'dist/server/main.js')] : ['--import', 'tsx', path.join(root, 'server/main.ts')];
  const nodeArgs = process.env.HAILING_TEST_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const baseUrl = `http://127.0.0.1:${ports.http}`;

  // Generous: a loaded 2-core CI machine starting several servers at once (tsx compile, worker
  // threads, migrations) has taken over 30 s; this is a readiness limit, not a speed assertion.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hailing exited with ${child.exitCode} during start:\n${out}`);
    try {
      const r = await fetch(`${baseUrl}/readyz`);
      // the child's own line too: on a restart with the same ports, another suite's server may
      // have taken the HTTP port meanwhile and be the one answering /readyz
      if (r.status === 200 && out.includes('Hailing is running.')) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`hailing not ready within 30 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  // one login shared by concurrent callers: each login costs an argon2 verification
  let cachedToken: Promise<string> | undefined;
  const api = async <T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const headers: Record<string, string> = {};
    if (!route.startsWith('/api/v1/auth/login')) headers.authorization = `Bearer ${await token()}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const r = await fetch(`${baseUrl}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await r.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed as T };
  };
  const post = async (route: string, body: unknown, bearer?: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) };
    const r = await fetch(`${baseUrl}${route}`, { method: 'POST', headers, body: JSON.stringify(body) });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  };
  // the admin signs in as a person would: password, then TOTP (enrolled at the first sign-in, as
  // administrator roles must), the code computed from the secret the server handed out
  const login = async (): Promise<string> => {
    const r = await post('/api/v1/auth/login', ADMIN);
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    if (r.body['mfaRequired'] === true) {
      const second = await post('/api/v1/auth/login/mfa', { mfaToken: r.body['mfaToken'], code: nextTotpCode(dataDir) });
      if (second.status !== 200) throw new Error(`TOTP step failed: ${second.status} ${JSON.stringify(second.body)}`);
      return second.body['token'] as string;
    }
    const session = r.body['token'] as string;
    if (r.body['mfaEnrolmentRequired'] === true) {
      const enrol = await post('/api/v1/auth/mfa/totp/enrol', {}, session);
      if (enrol.status !== 200) throw new Error(`TOTP enrolment failed: ${enrol.status} ${JSON.stringify(enrol.body)}`);
      rememberTotp(dataDir, enrol.body['secret'] as string);
      const confirm = await post('/api/v1/auth/mfa/totp/confirm', { code: nextTotpCode(dataDir) }, session);
      if (confirm.status !== 200) throw new Error(`TOTP confirmation failed: ${confirm.status} ${JSON.stringify(confirm.body)}`);
    }
    return session;
  };
  const token = (): Promise<string> => {
    cachedToken ??= login().catch((err: unknown) => {
      cachedToken = undefined;
      throw err;
    });
    return cachedToken;
  };

  return {
    dataDir,
    pid: child.pid ?? -1,
    ports,
    baseUrl,
    output: () => out,
    oneTimePassword() {
      const m = /one-time password:\s+(\S+)/.exec(out);
      if (!m?.[1]) throw new Error(`no one-time password in the output:\n${out}`);
      return m[1];
    },
    token,
    api,
    async kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Creates each number as an extension with password `secret-<number>` (the baresip helpers' default). */
export async function withExtensions(server: HailingProcess, numbers: readonly string[]): Promise<void> {
  for (const n of numbers) {
    const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
    if (r.status !== 201) throw new Error(`creating extension ${n}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
