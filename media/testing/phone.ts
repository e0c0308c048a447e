// Test phones for the media engine: a UDP socket that sends a payload stream (made by sox, an
// independent encoder) as RTP at real-time pace and keeps what it receives, so tests can decode it
// with sox again and measure. Only tests import this.
import dgram from 'node:dgram';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

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
    const stat = execFileSync('sh', ['-c', `sox ${format.join(' ')} -r ${options.rate ?? 8000} -c ${options.channels ?? 1} ${file} -n stat 2>&1`], { encoding: 'utf8' });
    const num = (label: string): number => Number(new RegExp(`${label}:\\s+(-?[0-9.]+)`).exec(stat)?.[1] ?? NaN);
    return { freq: num('Rough\\s+frequency'), rms: num('RMS\\s+amplitude'), seconds: num('Length \\(seconds\\)') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** raw audio ('ul', 'al' at 8 kHz, or 's16' at `rate`) decoded by sox to 16-bit PCM */
export function decodePcm(options: { type: 'ul' | 'al' | 's16'; rate?: number; data: Buffer }): Int16Array {
  if (options.type === 's16') return new Int16Array(options.data.buffer.slice(options.data.byteOffset, options.data.byteOffset + (options.data.length & ~1)));
  const dir = mkdtempSync(join(tmpdir(), 'hailing-decode-'));
  try {
    const file = join(dir, `x.${options.type}`);
    const out = join(dir, 'x.raw');
    writeFileSync(file, options.data);
    execFileSync('sox', ['-t', options.type, '-r', '8000', '-c', '1', file, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', out]);
    const b = readFileSync(out);
    return new Int16Array(b.buffer.slice(b.byteOffset, b.byteOffset + (b.length & ~1)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Goertzel: the RMS amplitude (0..1 of full scale) of the `freq` component of `pcm`, measured over
 * whole blocks of `blockMs` and averaged (a sine of peak A gives about A/√2).
 */
export function toneLevel(pcm: Int16Array, rate: number, freq: number, blockMs = 50): number {
  const n = Math.round((rate * blockMs) / 1000);
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let total = 0;
  let blocks = 0;
  for (let start = 0; start + n <= pcm.length; start += n) {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s0 = pcm[start + i]! / 32768 + coeff * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    total += Math.sqrt(power) * Math.SQRT2 / n;
    blocks++;
  }
  return blocks === 0 ? 0 : total / blocks;
}

export interface Received {
  readonly payloadType: number;
  readonly seq: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly marker: boolean;
  readonly payload: Buffer;
  /** performance.now() at arrival */
  readonly atMs: number;
}

export class TestPhone {
  readonly socket: dgram.Socket;
  readonly received: Received[] = [];
  /** SRTP (or anything) applied to each packet sent; null drops it */
  protect: ((packet: Buffer) => Buffer) | null = null;
  /** applied to each packet received before it is parsed; null drops it */
  unprotect: ((packet: Buffer) => Buffer | null) | null = null;
  #timer: NodeJS.Timeout | undefined;

  private constructor(socket: dgram.Socket) {
    this.socket = socket;
    socket.on('message', (raw) => {
      const msg = this.unprotect === null ? raw : this.unprotect(raw);
      if (msg === null) return;
      if (msg.length < 12 || (msg[0]! & 0xc0) !== 0x80 || (msg[1]! & 0x7f) >= 72 && (msg[1]! & 0x7f) <= 76) return; // RTCP
      const cc = msg[0]! & 0x0f;
      this.received.push({
        payloadType: msg[1]! & 0x7f,
        marker: (msg[1]! & 0x80) !== 0,
        seq: msg.readUInt16BE(2),
        timestamp: msg.readUInt32BE(4),
        ssrc: msg.readUInt32BE(8),
        payload: msg.subarray(12 + 4 * cc),
        atMs: performance.now(),
      });
    });
  }

  static async open(): Promise<TestPhone> {
    const s = dgram.createSocket('udp4');
    s.bind(0, '127.0.0.1');
    await once(s, 'listening');
    // a failed assertion skips close(): the socket must not keep the test process alive
    s.unref();
    return new TestPhone(s);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** sends `data` in `bytesPerPacket` chunks every 20 ms to the endpoint's port as payload type `pt` */
  stream(options: { to: number; data: Buffer; payloadType: number; bytesPerPacket: number; timestampStep?: number }): Promise<void> {
    const packets: Buffer[] = [];
    for (let at = 0; at < options.data.length; at += options.bytesPerPacket) packets.push(options.data.subarray(at, at + options.bytesPerPacket));
    return this.streamPackets({ to: options.to, packets, payloadType: options.payloadType, timestampStep: options.timestampStep ?? options.bytesPerPacket });
  }

  /** sends one payload per `intervalMs` (20 by default) with RTP timestamps `timestampStep` apart */
  streamPackets(options: { to: number; packets: readonly Buffer[]; payloadType: number; timestampStep: number; intervalMs?: number }): Promise<void> {
    const ssrc = 0x1234abcd;
    let seq = 1000;
    let ts = 5000;
    let at = 0;
    const start = performance.now();
    const interval = options.intervalMs ?? 20;
    return new Promise((resolve) => {
      // paced from the start time (a drifting setInterval would starve the far end's jitter buffer)
      const send = (): void => {
        while (at < options.packets.length && performance.now() - start >= at * interval) {
          const payload = options.packets[at++]!;
          const b = Buffer.alloc(12 + payload.length);
          b[0] = 0x80;
          b[1] = options.payloadType;
          b.writeUInt16BE(seq++ & 0xffff, 2);
          b.writeUInt32BE(ts >>> 0, 4);
          ts += options.timestampStep;
          b.writeUInt32BE(ssrc, 8);
          payload.copy(b, 12);
          this.sendRaw(b, options.to);
        }
        if (at >= options.packets.length) {
          clearInterval(this.#timer);
          resolve();
        }
      };
      send();
      this.#timer = setInterval(send, 5);
    });
  }

  sendRaw(packet: Buffer, to: number): void {
    const out = this.protect === null ? packet : this.protect(packet);
    this.socket.send(out, to, '127.0.0.1');
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
