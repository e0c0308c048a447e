// Acceptance: DTMF from real phones (baresip) is detected by Hailing and published on the events
// WebSocket (GET /api/v1/events, type 'dtmf' with leg, digit and method):
// - RFC 4733 telephone-events, sent by baresip's `sndcode` command, from either side of a call; the
//   events also pass through the relay, so the other phone reports the digits it received;
// - in-band tones (ITU-T Q.23 frequency pairs, made by sox) played by baresip as its microphone, with
//   HAILING_DTMF_INBAND=on so that the Goertzel detector listens on legs that negotiated telephone-event.
// - SIP INFO (RFC 6086, application/dtmf-relay): baresip 1.0 never sends it (only receives), so a node-sip
//   phone sends it to a baresip callee, which reports the digits it received.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { freePort } from './helpers/ports.js';
import { startSipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';

interface DtmfEventJson {
  type: 'dtmf';
  callId: string;
  caller: string;
  callee: string;
  leg: 'caller' | 'callee';
  digit: string;
  durationMs: number;
  method: 'rfc4733' | 'inband' | 'info';
}

/** The events WebSocket, collecting every 'dtmf' event it carries. */
async function watchDtmf(server: HailingProcess): Promise<{ events: DtmfEventJson[]; until(n: number, match: (e: DtmfEventJson) => boolean, ms?: number): Promise<DtmfEventJson[]>; close(): void }> {
  const url = `${server.baseUrl.replace(/^http/, 'ws')}/api/v1/events`;
  const ws = new WebSocket(url, { headers: { authorization: `Bearer ${await server.token()}` } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const events: DtmfEventJson[] = [];
  ws.on('message', (data: Buffer) => {
    const e = JSON.parse(data.toString('utf8')) as { type: string };
    if (e.type === 'dtmf') events.push(e as DtmfEventJson);
  });
  return {
    events,
    async until(n, match, ms = 10_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hits = events.filter(match);
        if (hits.length >= n) return hits;
        if (Date.now() > deadline) throw new Error(`${hits.length} of ${n} DTMF events within ${ms} ms; all events: ${JSON.stringify(events)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => ws.close(),
  };
}

/** ITU-T Q.23 §2: the low (row) and high (column) frequency of each key. */
const Q23: Record<string, [number, number]> = {
  '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
  '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
  '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
  '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
};

/**
 * A WAV (48 kHz stereo, as the phones' sources are configured) made by sox: `leadS` of silence, then
 * each digit as its two sines for `toneS` followed by `gapS` of silence, then 2 s of silence.
 */
function dtmfWav(dir: string, o: { digits: string; leadS: number; toneS: number; gapS: number }): string {
  const parts: string[] = [];
  const sox = (out: string, ...effect: string[]) => execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', out, ...effect]);
  const silence = (s: number) => {
    const f = path.join(dir, `silence-${parts.length}.wav`);
    sox(f, 'trim', '0', String(s));
    parts.push(f);
  };
  silence(o.leadS);
  for (const d of o.digits) {
    const [low, high] = Q23[d]!;
    const f = path.join(dir, `tone-${parts.length}.wav`);
    // two sines at -9 dBFS each (sox synth makes one channel per sine; remix adds them)
    execFileSync('sox', ['-n', '-r', '48000', '-b', '16', f, 'synth', String(o.toneS), 'sine', String(low), 'sine', String(high), 'remix', '1v0.35,2v0.35']);
    parts.push(f);
    silence(o.gapS);
  }
  silence(2);
  const out = path.join(dir, 'dtmf.wav');
  execFileSync('sox', [...parts, '-c', '2', out]);
  return out;
}

async function addExtensions(server: HailingProcess, numbers: string[]): Promise<void> {
  for (const n of numbers) {
    const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Phone ${n}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
}

function phoneOf(server: HailingProcess, phones: Phone[], o: { user: string; tone?: number; audioFile?: string }) {
  return async () => {
    return registeredPhone({
      user: o.user,
      password: `secret-${o.user}`,
      domain: DOMAIN,
      server: { host: '127.0.0.1', port: server.ports.sip },
      transport: 'udp',
      ...(o.audioFile ? { audioFile: o.audioFile } : { tone: o.tone ?? 400 }),
      answerMode: 'auto',
      sipTrace: true,
    }, phones);
  };
}

const digitsOf = (events: DtmfEventJson[]) => events.map((e) => e.digit).join('');

describe('DTMF from baresip in RFC 4733 (default dtmfInband auto)', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];

  before(async () => {
    server = await startHailing();
    await addExtensions(server, ['5001', '5002', '5003', '5004']);
  });

  after(async () => {
    await stopPhones(phones);
    await server?.kill();
  });

  it('RFC 4733: digits sent by either phone are published with the right leg and digit, and reach the other phone', async () => {
    const a = await phoneOf(server, phones, { user: '5001', tone: 400 })();
    const b = await phoneOf(server, phones, { user: '5002', tone: 800 })();
    const watch = await watchDtmf(server);
    try {
      await a.dial(`sip:5002@${DOMAIN}`);
      await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
      await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
      // baresip offers telephone-event (RFC 4733 §7.1.1 a=rtpmap:101 telephone-event/8000); Hailing passes it on
      const offerToB = b.sipTrace().find((m) => m.dst.endsWith(`:${b.listenPort}`) && /^INVITE /.test(m.startLine));
      assert.match(offerToB?.body ?? '', /^a=rtpmap:\d+ telephone-event\/8000/m);

      const bSince = b.events.length;
      for (const d of '159#') await a.sendDigits(d);
      const fromA = await watch.until(4, (e) => e.leg === 'caller');
      assert.equal(digitsOf(fromA), '159#');
      for (const e of fromA) {
        assert.equal(e.method, 'rfc4733');
        assert.equal(e.caller, '5001');
        assert.equal(e.callee, '5002');
      }
      // the relay passed the events on: B's own RFC 4733 receiver reports them
      const bGot = await waitDigits(b, bSince, 4);
      assert.equal(bGot, '159#');

      for (const d of '*0') await b.sendDigits(d);
      const fromB = await watch.until(2, (e) => e.leg === 'callee');
      assert.equal(digitsOf(fromB), '*0');
      assert.ok(fromB.every((e) => e.method === 'rfc4733'), JSON.stringify(fromB));
      assert.equal(watch.events.filter((e) => e.method !== 'rfc4733').length, 0, `no in-band detections on telephone-event legs: ${JSON.stringify(watch.events)}`);
      await a.hangup();
      await b.waitForEvent({ type: 'CALL_CLOSED' });
    } finally {
      watch.close();
    }
  });

  it('INFO (RFC 6086, application/dtmf-relay) from a node-sip caller is published with method info, and relayed to baresip', async () => {
    const b = await phoneOf(server, phones, { user: '5004', tone: 800 })();
    const ua = await startSipUa({ address: '127.0.0.3', port: await freePort('127.0.0.3'), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip } });
    const watch = await watchDtmf(server);
    try {
      const call = ua.call({ to: '5004', user: '5003', password: 'secret-5003' });
      const final = await within(call.final, 10_000, 'the answer');
      assert.equal(final.status, 200);
      await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
      const dialog = call.dialog();
      assert.ok(dialog, 'a dialog from the 2xx');
      const bSince = b.events.length;
      // Cisco's body (baresip 1.0 reads only the first character of Signal, so # is written out here;
      // the numbered form, 11 in RFC 4733 §3.2's table, is covered by server/calls/dtmf-info.test.ts)
      for (const signal of ['7', '#']) {
        const r = await dialog.request('INFO', `Signal=${signal}\r\nDuration=160\r\n`, 'application/dtmf-relay');
        assert.equal(r.status, 200);
      }
      const got = await watch.until(2, (e) => e.leg === 'caller');
      assert.equal(digitsOf(got), '7#');
      for (const e of got) assert.deepEqual([e.method, e.durationMs, e.caller, e.callee], ['info', 160, '5003', '5004']);
      assert.equal(await waitDigits(b, bSince, 2), '7#');
      await b.hangup();
      await b.waitForEvent({ type: 'CALL_CLOSED' });
    } finally {
      watch.close();
      await ua.close();
    }
  });
});

/** the digits a phone reported receiving (ctrl_tcp CALL_DTMF_START events) since `since` */
async function waitDigits(p: Phone, since: number, n: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const got = p.events.slice(since).filter((e) => e.type === 'CALL_DTMF_START').map((e) => e.param ?? '?');
    if (got.length >= n || Date.now() > deadline) return got.join('');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('in-band DTMF from baresip (HAILING_DTMF_INBAND=on)', () => {
  let server: HailingProcess;
  const phones: Phone[] = [];
  let dir: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dtmf-wav-'));
    server = await startHailing({ env: { HAILING_DTMF_INBAND: 'on' } });
    await addExtensions(server, ['5101', '5102']);
  });

  after(async () => {
    await stopPhones(phones);
    rmSync(dir, { recursive: true, force: true });
    await server?.kill();
  });

  it('tones in the caller\'s audio (sox, Q.23 pairs, 100 ms on, 100 ms off) are detected as the right digits', async () => {
    const digits = '2580*#';
    const wav = dtmfWav(dir, { digits, leadS: 1.5, toneS: 0.1, gapS: 0.1 });
    const a = await phoneOf(server, phones, { user: '5101', audioFile: wav })();
    const b = await phoneOf(server, phones, { user: '5102', tone: 800 })();
    const watch = await watchDtmf(server);
    try {
      await a.dial(`sip:5102@${DOMAIN}`);
      await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
      const got = await watch.until(digits.length, (e) => e.leg === 'caller');
      assert.equal(digitsOf(got), digits);
      assert.ok(got.every((e) => e.method === 'inband'), JSON.stringify(got));
      // Q.24 / Q.23: each tone lasted 100 ms; the detector reports about that (one 20 ms frame either way)
      for (const e of got) assert.ok(e.durationMs >= 60 && e.durationMs <= 160, `duration ${e.durationMs} ms: ${JSON.stringify(e)}`);
      // B's 800 Hz sine is not a DTMF pair: nothing from the callee
      assert.equal(watch.events.filter((e) => e.leg === 'callee').length, 0, JSON.stringify(watch.events));
      await a.hangup();
      await b.waitForEvent({ type: 'CALL_CLOSED' });
    } finally {
      watch.close();
    }
  });
});
