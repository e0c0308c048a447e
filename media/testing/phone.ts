// Test phones for the media engine: a UDP socket that sends a payload stream (made by sox, an
// independent encoder) as RTP at real-time pace and keeps what it receives, so tests can decode it
// with sox again and measure. Only tests import this.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const soxAvailable = (): boolean => {
  try {
    execFileSync('sox', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

/** `seconds` of a sox synth (e.g. ['sine', '400']) as raw bytes: 'ul' µ-law, 'al' A-law, 's16' PCM */
export function synth(options: { type: 'ul' | 'al' | 's16'; rate?: number; seconds: number; effect: readonly string[] }): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'hailing-synth-'));
  try {
    const out = join(dir, `x.${options.type === 's16' ? 'raw' : options.type}`);
    const format = options.type === 's16' ? ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L'] : ['-t', options.type];
    execFileSync('sox', ['-n', '-r', String(options.rate ?? 8000), '-c', '1', ...format, out, 'synth', String(options.seconds), ...options.effect]);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** sox's dominant frequency and RMS of raw audio ('ul', 'al', or 's16' at rate) */
export function measure(options: { type: 'ul' | 'al' | 's16'; rate?: number; data: Buffer; channels?: number }): { freq: number; rms: number; seconds: number } {
  const dir = mkdtempSync(join(tmpdir(), 'hailing-measure-'));
  try {
    const file = join(dir, `x.${options.type === 's16' ? 'raw' : options.type}`);
    writeFileSync(file, options.data);
    const format = options.type === 's16' ? ['-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L'] : ['-t', options.type];
    const text = execFileSync('sox', [...format, '-r', String(options.rate ?? 8000), '-c', String(options.channels ?? 1), file, '-n', 'stat', '-freq'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    void text;
    const stat = execFileSync('sh', ['-c', `sox ${format.join(' ')} -r ${options.rate ?? 8000} -c ${options.channels ?? 1} ${file} -n stat 2>&1`], { encoding: 'utf8' });
    const num = (label: string): number => Number(new RegExp(`${label}:\\s+(-?[0-9.]+)`).exec(stat)?.[1] ?? NaN);
    return { freq: num('Rough\\s+frequency'), rms: num('RMS\\s+amplitude'), seconds: num('Length \\(seconds\\)') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Received {
  readonly payloadType: number;
  readonly seq: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly payload: Buffer;
}

export class TestPhone {
  readonly socket: dgram.Socket;
  readonly received: Received[] = [];
  #timer: NodeJS.Timeout | undefined;

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
    socket.on('message', (msg) => {
      if (msg.length < 12 || (msg[0]! & 0xc0) !== 0x80 || (msg[1]! & 0x7f) >= 72 && (msg[1]! & 0x7f) <= 76) return; // RTCP
      const cc = msg[0]! & 0x0f;
      this.received.push({
        payloadType: msg[1]! & 0x7f,
        marker: (msg[1]! & 0x80) !== 0,
        seq: msg.readUInt16BE(2),
        timestamp: msg.readUInt32BE(4),
        ssrc: msg.readUInt32BE(8),
        payload: msg.subarray(12 + 4 * cc),
      });
    });
  }

  static async open(): Promise<TestPhone> {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
    return new TestPhone(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** sends `data` in `bytesPerPacket` chunks every 20 ms to the endpoint's port as payload type `pt` */
  stream(options: { to: number; data: Buffer; payloadType: number; bytesPerPacket: number; timestampStep?: number }): Promise<void> {
    const ssrc = 0x1234abcd;
    let seq = 1000;
    let ts = 5000;
    let at = 0;
    return new Promise((resolve) => {
      const send = (): void => {
        if (at >= options.data.length) {
          clearInterval(this.#timer);
          resolve();
          return;
        }
        const payload = options.data.subarray(at, at + options.bytesPerPacket);
        at += options.bytesPerPacket;
        const b = Buffer.alloc(12 + payload.length);
        b[0] = 0x80;
        b[1] = options.payloadType;
        b.writeUInt16BE(seq++ & 0xffff, 2);
        b.writeUInt32BE(ts >>> 0, 4);
        ts += options.timestampStep ?? options.bytesPerPacket;
        b.writeUInt32BE(ssrc, 8);
        payload.copy(b, 12);
        this.socket.send(b, options.to, '127.0.0.1');
      };
      this.#timer = setInterval(send, 20);
    });
  }

  sendRaw(packet: Buffer, to: number): void {
    this.socket.send(packet, to, '127.0.0.1');
  }

  /** the received payloads of one payload type, concatenated, skipping the first `skip` packets */
  payloads(payloadType: number, skip = 10): Buffer {
    return Buffer.concat(this.received.filter((r) => r.payloadType === payloadType).slice(skip).map((r) => r.payload));
  }

  close(): void {
    clearInterval(this.#timer);
    this.socket.close();
  }
}
