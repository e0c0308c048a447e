// Acceptance (issue 12): separate busy, unavailable and temporary greetings, as Asterisk's
// VoiceMail b/u and temp greeting. 1002's unavailable greeting is uploaded through the old route
// (600 Hz, no kind); its busy greeting is recorded by phone (*97, PIN, 0, 2: baresip 1002's
// microphone is an 800 Hz tone). baresip 1001 (400 Hz) then calls 1002 twice: on DND (a busy
// extension, 486) it hears 800 Hz and not 600; with no phone registered (no answer) 600 and not
// 800. A temporary greeting (1200 Hz, ?kind=temporary) then overrides the busy one. Tones are
// measured with sox and a Goertzel filter in what baresip decoded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { strongest } from './helpers/tones.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UNAVAILABLE_HZ = 600;
const BUSY_HZ = 800;
const TEMPORARY_HZ = 1200;
const GREETINGS = [UNAVAILABLE_HZ, BUSY_HZ, TEMPORARY_HZ];

describe('busy, unavailable and temporary voicemail greetings with baresip', () => {
  let rig: ExtensionPhones;
  const work = mkdtempSync(path.join(tmpdir(), 'hailing-vm-greetings-'));
  const toneWav = (hz: number) => {
    const file = path.join(work, `${hz}.wav`);
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', file, 'synth', '2', 'sine', String(hz), 'vol', '0.5']);
    return readFileSync(file);
  };
  const upload = async (query: string, hz: number) => {
    const r = await fetch(`${rig.server.baseUrl}/api/v1/extensions/1002/mailbox/greeting${query}`, { method: 'PUT', headers: { authorization: `Bearer ${await rig.server.token()}`, 'content-type': 'audio/wav' }, body: toneWav(hz) });
    assert.equal(r.status, 200, await r.text());
  };
  const dnd = async (on: boolean) => assert.equal((await rig.server.api('PUT', '/api/v1/extensions/1002/call-handling', { dnd: on, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null })).status, 200);
  /** 1001 calls 1002, which its mailbox answers; the greeting tones 1001 heard, loudest second of each */
  const call1002 = async () => {
    const caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await caller.dial(`sip:1002@${DOMAIN}`);
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the greeting recorded by phone lasts up to 9 s; then the beep and a few seconds of message
    await sleep(14_000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    await caller.stop();
    const [heard] = caller.decodedDumps();
    assert.ok(heard);
    const levels = new Map<number, { at: number; db: number; otherDb: number }>();
    for (const hz of GREETINGS) levels.set(hz, await strongest(heard, hz, [400, ...GREETINGS.filter((f) => f !== hz)]));
    return levels;
  };
  const assertHeard = (levels: Map<number, { db: number; otherDb: number }>, hz: number) => {
    const got = levels.get(hz)!;
    assert.ok(got.db > -30 && got.db - got.otherDb > 15, `${hz} Hz heard clearly: ${JSON.stringify([...levels])}`);
    for (const other of GREETINGS.filter((f) => f !== hz)) assert.ok(levels.get(other)!.db < got.db - 20, `${other} Hz not heard: ${JSON.stringify([...levels])}`);
  };

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    const box = await rig.server.api<Record<string, unknown>>('PUT', '/api/v1/extensions/1002/mailbox', { pin: '4321', maxMessageS: 30 });
    assert.equal(box.status, 200, JSON.stringify(box.body));
    await upload('', UNAVAILABLE_HZ);
  });

  after(async () => {
    await rig?.close();
  });

  it('the owner records a busy greeting by phone (*97, 0, 2); it is kept beside the unavailable one', { timeout: 240_000 }, async () => {
    const owner = await rig.phone('1002', { tone: BUSY_HZ, answerMode: 'auto' });
    await owner.dial(`sip:*97@${DOMAIN}`);
    await owner.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(2_500);
    // each key stops the prompt playing (barge-in); the waits leave room for the PIN check (argon2)
    await owner.sendDigits('4321#');
    await sleep(4_000);
    await owner.sendDigits('0'); // mailbox options
    await sleep(2_000);
    await owner.sendDigits('2'); // the busy greeting: prompt, beep, then the phone's 800 Hz is recorded
    await sleep(9_000);
    await owner.sendDigits('#');
    await sleep(5_000); // the take is played back
    await owner.sendDigits('1'); // keep it
    await sleep(3_000);
    await owner.hangup();
    await owner.stop();
    const box = await rig.server.api<{ greetings: Record<string, boolean> }>('GET', '/api/v1/extensions/1002/mailbox');
    assert.deepEqual(box.body.greetings, { unavailable: true, busy: true, temporary: false });
  });

  it('a busy call hears the busy greeting, an unanswered call the unavailable one', { timeout: 120_000 }, async (t) => {
    // 1002 has no phone registered now; DND makes it answer busy (486), as a phone on a call would
    await dnd(true);
    const busy = await call1002();
    t.diagnostic(`busy call: ${JSON.stringify([...busy])}`);
    assertHeard(busy, BUSY_HZ);
    await dnd(false);
    const unanswered = await call1002();
    t.diagnostic(`unanswered call: ${JSON.stringify([...unanswered])}`);
    assertHeard(unanswered, UNAVAILABLE_HZ);
  });

  it('a temporary greeting overrides both while set', { timeout: 120_000 }, async (t) => {
    await upload('?kind=temporary', TEMPORARY_HZ);
    await dnd(true);
    const busy = await call1002();
    t.diagnostic(`busy call with a temporary greeting: ${JSON.stringify([...busy])}`);
    assertHeard(busy, TEMPORARY_HZ);
    // the last message is stored once its recording has stopped, after the hang-up
    let stored = 0;
    for (let i = 0; i < 50 && stored < 3; i++, await sleep(200)) stored = (await rig.server.api<{ items: unknown[] }>('GET', '/api/v1/extensions/1002/mailbox/messages')).body.items.length;
    assert.equal(stored, 3, `each caller left a message after its greeting: ${JSON.stringify((await rig.server.api('GET', '/api/v1/extensions/1002/mailbox/messages')).body)}`);
  });
});
