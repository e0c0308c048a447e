// What the call-recording tests share: a registered baresip party with a tone, the record once
// its recording's figures arrived, the download through the API (decrypted as it streams), and the
// stereo check (caller's tone left, callee's right, no crosstalk) measured by sox.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { registeredPhone, type Phone } from './baresip.js';
import { finalCallRecord, type Api, type CallRecord } from './cdrs.js';
import type { HailingProcess } from './hailing-process.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export type Format = 'wav' | 'ogg';

/** the record as the API gives it, with the recording fields */
export interface RecordedCall extends CallRecord {
  recordingPath: string | null;
  recordingFormat: Format | null;
  recordingDurationMs: number | null;
  recordingPauses: { atMs: number; durationMs: number }[];
  recordingUrl: string | null;
}

export function tool(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(`${stdout}${stderr}`); // sox stat prints to stderr
    });
  });
}

export const field = (text: string, name: string): number => {
  const m = new RegExp(`^${name}:\\s+(-?[0-9.]+)`, 'm').exec(text);
  assert.ok(m?.[1], `sox stat: no "${name}" in:\n${text}`);
  return Number(m[1]);
};

/** one channel measured by sox: RMS and rough frequency after the first half second, and the RMS in a band */
export async function channelStat(wav: string, channel: 1 | 2, band: [number, number]) {
  const whole = await tool('sox', [wav, '-n', 'remix', String(channel), 'trim', '0.5', 'stat']);
  const inBand = await tool('sox', [wav, '-n', 'remix', String(channel), 'trim', '0.5', 'sinc', `${band[0]}-${band[1]}`, 'stat']);
  return { rms: field(whole, 'RMS\\s+amplitude'), hz: field(whole, 'Rough\\s+frequency'), bandRms: field(inBand, 'RMS\\s+amplitude') };
}

/**
 * Asserts the stereo WAV holds A's 400 Hz on the left and B's 800 Hz on the right, each channel
 * without the other's tone (no crosstalk, channels not swapped), and returns its length in seconds.
 */
export async function assertStereoTones(wav: string, diagnostic: (m: string) => void): Promise<number> {
  assert.equal(Number((await tool('soxi', ['-c', wav])).trim()), 2, `${wav}: channels`);
  const lengthS = Number((await tool('soxi', ['-D', wav])).trim());
  for (const [channel, hz, other] of [
    [1, 400, 800],
    [2, 800, 400],
  ] as const) {
    const near = await channelStat(wav, channel, [hz - 50, hz + 50]);
    const far = await channelStat(wav, channel, [other - 50, other + 50]);
    diagnostic(`channel ${channel}: RMS ${near.rms}, rough ${near.hz} Hz, ${hz} Hz band RMS ${near.bandRms}, ${other} Hz band RMS ${far.bandRms}`);
    const what = `${wav} channel ${channel} (${channel === 1 ? 'caller, left' : 'callee, right'})`;
    assert.ok(near.rms > 0.05, `${what}: RMS ${near.rms} is silence, ${hz} Hz expected`);
    assert.ok(Math.abs(near.hz - hz) <= hz * 0.05, `${what}: rough frequency ${near.hz} Hz, expected ${hz} Hz ±5 %`);
    assert.ok(near.bandRms > 0.5 * near.rms, `${what}: only ${near.bandRms} of RMS ${near.rms} lies around ${hz} Hz`);
    assert.ok(far.bandRms < 0.1 * near.rms, `${what}: ${other} Hz (the other party) present, RMS ${far.bandRms} of ${near.rms}`);
  }
  diagnostic(`${path.basename(wav)}: ${lengthS} s`);
  return lengthS;
}

export async function download(server: HailingProcess, url: string, file: string): Promise<string | null> {
  const r = await fetch(`${server.baseUrl}${url}`, { headers: { authorization: `Bearer ${await server.token()}` } });
  assert.equal(r.status, 200, `GET ${url}: ${r.status} ${r.status === 200 ? '' : await r.text()}`);
  writeFileSync(file, Buffer.from(await r.arrayBuffer()));
  return r.headers.get('content-type');
}

/** the record once the recording's figures have reached it (they follow the hangup's) */
export async function recordedCall(api: Api, number: string): Promise<RecordedCall> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const record = (await finalCallRecord({ api, number })) as RecordedCall;
    // the record goes out when the call ends, naming its file; the duration follows once the
    // recorder has flushed and closed it (a loaded machine takes a while)
    if ((record.recordingPath !== null && record.recordingDurationMs !== null) || Date.now() > deadline) return record;
    await sleep(100);
  }
}

export interface Party {
  server: HailingProcess;
  phones: Phone[];
  user: string;
  tone: number;
}

export async function registered(p: Party): Promise<Phone> {
  return registeredPhone({
    user: p.user,
    password: `secret-${p.user}`,
    domain: DOMAIN,
    server: { host: '127.0.0.1', port: p.server.ports.sip },
    transport: 'udp',
    tone: p.tone,
    answerMode: 'auto',
  }, p.phones);
}
