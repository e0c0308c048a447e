// What desk phones expect of a PBX (issue 12), with real phones: baresip 1001 (400 Hz) calls 1002
// (800 Hz). When 1002 holds (its re-INVITE a=sendonly), 1001 hears music on hold: a 600 Hz tone
// uploaded as the default class (a 44.1 kHz stereo WAV made by sox, converted by Hailing), measured
// in 1001's decoded audio; after the resume 1001 hears 800 Hz again. Then 1002 transfers 1001 to
// 1003 (1200 Hz) with its `transfer` command (a blind REFER, RFC 3515): 1002 is told the progress
// in NOTIFYs (message/sipfrag, ending "SIP/2.0 200 OK") and the final pair hears each other. When
// 1002 holds before it transfers (the desk-phone sequence), 1001 keeps hearing the music while
// 1003 rings. Calls are recorded (HAILING_RECORD_CALLS=all): after the API's transfer the
// recording's right channel holds 1003, where 1002 was.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLevels, measureTones } from './helpers/tones.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { received, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, ok: () => boolean, ms = 20_000, poll?: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await poll?.(), !ok())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** `phone`'s decoded dump; seconds into it are counted from its call's CALL_ESTABLISHED */
function heard(phone: Phone): string {
  const [file] = phone.decodedDumps();
  assert.ok(file, 'the phone wrote a decoded dump');
  return file;
}

/** which of `hz` is loudest in [startS, startS + durationS) of `file`, and the levels for messages */
async function loudest(o: { file: string; hz: readonly number[]; startS: number; durationS: number }): Promise<{ hz: number; text: string; db: number }> {
  const t = await measureTones(o);
  const [hz, db] = [...t.levels].sort((a, b) => b[1] - a[1])[0]!;
  return { hz, db, text: describeLevels(t) };
}

/** the last seconds of each phone's audio: after a transfer 1001 (400 Hz) and 1003 (1200 Hz) hear each other */
async function assertFinalPair(a: Phone, c: Phone): Promise<void> {
  const hz = [400, 600, 800, 1200];
  for (const [phone, expected, who] of [
    [a, 1200, '1001 hears 1003'],
    [c, 400, '1003 hears 1001'],
  ] as const) {
    const file = heard(phone);
    const lengthS = Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
    const tail = await loudest({ file, hz, startS: Math.max(0.5, lengthS - 3), durationS: 2.5 });
    assert.equal(tail.hz, expected, `after the transfer ${who}: ${tail.text}`);
  }
}

describe('desk-phone call features with baresip: music on hold, blind transfer', () => {
  let rig: ExtensionPhones;
  let work: string;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003'], { HAILING_RECORD_CALLS: 'all', HAILING_RECORDING_ENCRYPTION: 'off' });
    work = mkdtempSync(join(tmpdir(), 'hailing-moh-test-'));
  });

  /** 1001 (400 Hz) calls 1002 (800 Hz), which answers; 1003 (1200 Hz) answers what it is sent */
  async function threePhones(): Promise<{ a: Phone; b: Phone; c: Phone; established: { at: number } }> {
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    const c = await rig.phone('1003', { tone: 1200, answerMode: 'auto', sipTrace: true });
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    await b.answer();
    const established = await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    return { a, b, c, established };
  }

  after(async () => {
    await rig?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('a party held by the other hears the music-on-hold class (an uploaded 600 Hz file); resume restores the other party', { timeout: 180_000 }, async () => {
    const src = join(work, 'moh-600.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', src, 'synth', '4', 'sine', '600', 'vol', '0.5']);
    const token = await rig.server.token();
    const up = await fetch(`${rig.server.baseUrl}/api/v1/moh/classes/default/files/zz-tone-600.wav`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' }, body: readFileSync(src) });
    assert.equal(up.status, 201, await up.text());
    // only the uploaded tone plays: the melody made at first start leaves the class
    const del = await rig.server.api('DELETE', '/api/v1/moh/classes/default/files/hailing-melody.wav');
    assert.equal(del.status, 204, JSON.stringify(del.body));
    const list = await rig.server.api<{ items: { name: string }[] }>('GET', '/api/v1/moh/classes/default/files');
    assert.deepEqual(
      list.body.items.map((f) => f.name),
      ['zz-tone-600.wav'],
    );

    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    await b.answer();
    const established = await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    await sleep(2500);
    const heldAt = Date.now();
    await b.command('hold');
    await sleep(5000);
    const resumedAt = Date.now();
    await b.command('resume');
    await sleep(4000);
    await a.hangup();
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), b.stop()]);

    const file = heard(a);
    const hz = [600, 800];
    const before = await loudest({ file, hz, startS: 0.8, durationS: 1.2 });
    const held = await loudest({ file, hz, startS: (heldAt - established.at) / 1000 + 1.5, durationS: 2.5 });
    const resumed = await loudest({ file, hz, startS: (resumedAt - established.at) / 1000 + 1.5, durationS: 1.5 });
    assert.equal(before.hz, 800, `before the hold 1001 hears 1002: ${before.text}`);
    assert.equal(held.hz, 600, `while held 1001 hears the music-on-hold tone: ${held.text}`);
    assert.ok(held.db > -40, `the music is loud enough to hear: ${held.text}`);
    assert.equal(resumed.hz, 800, `after the resume 1001 hears 1002 again: ${resumed.text}`);
  });

  it('RFC 3515: 1002 blind-transfers 1001 to 1003; 1002 sees NOTIFY sipfrag progress ending 200 OK; 1001 and 1003 hear each other', { timeout: 180_000 }, async () => {
    const { a, b, c } = await threePhones();
    await sleep(2000);

    await b.command('transfer', `sip:1003@${DOMAIN}`);
    await c.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    const notifies = () => received(b, /^NOTIFY /);
    await until('the final NOTIFY at 1002', () => notifies().some((n) => /terminated/i.test(n.header('subscription-state') ?? '')));
    const frags = notifies().map((n) => n.body.trim());
    assert.match(notifies()[0]!.header('event') ?? '', /^refer/i);
    assert.match(notifies()[0]!.header('content-type') ?? '', /^message\/sipfrag/i);
    assert.match(frags[0]!, /^SIP\/2\.0 100 /, `the first NOTIFY says the transfer is under way: ${frags.join(' | ')}`);
    assert.match(frags.at(-1)!, /^SIP\/2\.0 200 /, `the last NOTIFY says 1003 answered: ${frags.join(' | ')}`);
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 40_000 });
    await sleep(4000);
    await a.hangup();
    await c.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), b.stop(), c.stop()]);

    await assertFinalPair(a, c);
    const record = await finalCallRecord({ api: rig.server.api.bind(rig.server), number: '1001' });
    assert.equal(record.disposition, 'ANSWERED');
  });

  it('a desk phone holds, then blind-transfers: 1001 hears music on hold (600 Hz) while 1003 rings, not ringback, then talks to 1003', { timeout: 180_000 }, async () => {
    // the music-on-hold class is the first test's uploaded 600 Hz tone
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    const c = await rig.phone('1003', { tone: 1200, answerMode: 'manual', sipTrace: true });
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    await b.answer();
    const established = await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    await sleep(2000);
    await b.command('hold');
    await sleep(1500);
    await b.command('transfer', `sip:1003@${DOMAIN}`);
    await c.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 30_000 });
    const ringingAt = Date.now();
    await sleep(4000);
    await c.answer();
    await c.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 40_000 });
    await sleep(4000);
    await a.hangup();
    await c.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), b.stop(), c.stop()]);

    // ringback is 425-450 Hz (E.180); the phones' own tones 800 and 1200 Hz
    const ringing = await loudest({ file: heard(a), hz: [425, 440, 450, 600, 800, 1200], startS: (ringingAt - established.at) / 1000 + 0.5, durationS: 3 });
    assert.equal(ringing.hz, 600, `while 1003 rings 1001 still hears the music on hold: ${ringing.text}`);
    assert.ok(ringing.db > -40, `the music is loud enough to hear: ${ringing.text}`);
    await assertFinalPair(a, c);
  });

  it('the API lists the live call, holds it (both parties hear music on hold) and transfers the caller (POST /api/v1/calls/:id/transfer): 1001 then talks to 1003', { timeout: 180_000 }, async () => {
    const { a, b, c, established } = await threePhones();
    type Live = { id: string; caller: string; callee: string; state: string; held: boolean };
    const listed = await rig.server.api<{ items: Live[] }>('GET', '/api/v1/calls');
    const live = listed.body.items.find((x) => x.caller === '1001' && x.callee === '1002');
    assert.ok(live, `the call is listed: ${JSON.stringify(listed.body)}`);
    assert.equal(live.state, 'answered');
    await sleep(2000);

    const heldAt = Date.now();
    assert.equal((await rig.server.api('POST', `/api/v1/calls/${live.id}/hold`)).status, 200);
    const again = await rig.server.api<{ items: Live[] }>('GET', '/api/v1/calls');
    assert.equal(again.body.items.find((x) => x.id === live.id)?.held, true, 'the list shows the call held');
    await sleep(3500);
    assert.equal((await rig.server.api('POST', `/api/v1/calls/${live.id}/resume`)).status, 200);
    await sleep(1000);

    const moved = await rig.server.api('POST', `/api/v1/calls/${live.id}/transfer`, { target: '1003' });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 20_000 });
    await c.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(4000);
    await a.hangup();
    await c.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), b.stop(), c.stop()]);

    // the recording: 1001 on the left throughout; on the right 1002, then 1003 after the transfer
    let recordingPath: string | null = null;
    await until('the call record naming its recording', () => recordingPath !== null, 15_000, async () => {
      const r = await rig.server.api<{ recordingPath: string | null; recordingDurationMs: number | null }>('GET', `/api/v1/cdrs/${live.id}`);
      if (r.body.recordingDurationMs !== null) recordingPath = r.body.recordingPath;
    });
    const stereo = join(rig.server.dataDir, 'recordings', recordingPath!);
    const [left, right] = ['1', '2'].map((ch) => {
      const out = join(work, `api-transfer-${ch}.wav`);
      execFileSync('sox', [stereo, out, 'remix', ch]);
      return out;
    }) as [string, string];
    const recordedS = Number(execFileSync('soxi', ['-D', right], { encoding: 'utf8' }).trim());
    const rightStart = await loudest({ file: right, hz: [800, 1200], startS: 0.5, durationS: 1.5 });
    const rightEnd = await loudest({ file: right, hz: [800, 1200], startS: recordedS - 3, durationS: 2.5 });
    const leftEnd = await loudest({ file: left, hz: [400, 1200], startS: recordedS - 3, durationS: 2.5 });
    assert.equal(rightStart.hz, 800, `the recording's right channel holds 1002 first: ${rightStart.text}`);
    assert.equal(rightEnd.hz, 1200, `and 1003 after the transfer: ${rightEnd.text}`);
    assert.ok(rightEnd.db > -40, `1003 is recorded, not silence: ${rightEnd.text}`);
    assert.equal(leftEnd.hz, 400, `the left channel stays 1001: ${leftEnd.text}`);

    const hz = [400, 600, 800, 1200];
    const aHeard = heard(a);
    const held = await loudest({ file: aHeard, hz, startS: (heldAt - established.at) / 1000 + 1.2, durationS: 2 });
    assert.equal(held.hz, 600, `while the API holds the call 1001 hears the music-on-hold tone: ${held.text}`);
    await assertFinalPair(a, c);
  });
});
