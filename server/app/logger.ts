// The process logger: pino JSON lines, with secrets redacted before they are serialised.
// `pretty` renders a compact human format for development without a pino-pretty dependency.
import { Writable } from 'node:stream';
import pino from 'pino';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface CreateLoggerOptions {
  level: LogLevel;
  pretty?: boolean;
  /** where lines go; default stdout */
  destination?: NodeJS.WritableStream;
}

const SECRET_KEYS = [
  'password',
  'newPassword',
  'oneTimePassword',
  'passwordHash',
  'password_hash',
  'token',
  'accessToken',
  'refreshToken',
  'authToken',
  'authorization',
  'proxyAuthorization',
  'cookie',
  'setCookie',
  'ha1',
  'ha1Md5',
  'ha1Sha256',
  'ha1_md5',
  'ha1_sha256',
  'nonceSecret',
  'secret',
  'apiKey',
  'privateKey',
  'encryptionKey',
  'masterKey',
  'recordingMasterKeys',
  'ldapBindPassword',
  'bindPassword',
  'oidcClientSecret',
  'clientSecret',
];

/** Redacted paths: each secret key at the top level and one level down, plus HTTP headers. */
export const REDACT_PATHS: readonly string[] = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["proxy-authorization"]',
  'headers["set-cookie"]',
];

export function createLogger(options: CreateLoggerOptions): pino.Logger {
  const destination = options.pretty
    ? prettyStream(options.destination ?? process.stdout)
    : (options.destination ?? pino.destination({ sync: false }));
  return pino(
    {
      level: options.level,
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** "12:00:00.000 INFO  msg key=value ..." per JSON line. */
function prettyStream(out: NodeJS.WritableStream): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        out.write(`${formatLine(line)}\n`);
      }
      done();
    },
  });
}

function formatLine(line: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const { time, level, msg, pid: _pid, hostname: _h, ...rest } = rec;
  const t = typeof time === 'string' ? time.slice(11, 23) : '';
  const lvl = (typeof level === 'number' ? (LEVEL_NAMES[level] ?? String(level)) : String(level)).padEnd(5);
  const extras = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${t} ${lvl} ${typeof msg === 'string' ? msg : ''}${extras ? ` ${extras}` : ''}`;
}
