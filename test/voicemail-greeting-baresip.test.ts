// Acceptance (issue 12): a voicemail greeting recorded by phone. baresip 1002 (its microphone a
// 700 Hz tone) dials *97, keys its PIN, 0 for mailbox options, 1 to record, speaks its tone after
// the beep, # to stop, hears the take played back and keys 1 to keep it (RFC 4733 DTMF throughout).
// The mailbox then has a greeting, stored sealed; baresip 1001 (400 Hz) calls 1002, which has no
// phone registered, and hears 700 Hz from the mailbox before the beep. Tones are measured with
// sox and a Goertzel filter in what baresip decoded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { strongest } from './helpers/tones.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('voicemail greeting recorded by phone (*97, 0, 1) with baresip', () => {
  let rig: ExtensionPhones;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    const box = await rig.server.api<Record<string, unknown>>('PUT', '/api/v1/extensions/1002/mailbox', { pin: '4321', maxMessageS: 30 });
    assert.equal(box.status, 200, JSON.stringify(box.body));
    assert.equal(box.body['hasGreeting'], false);
  });

  after(async () => {
    await rig?.close();
  });

  it('the owner records, hears and keeps a greeting; it is stored sealed and the next caller hears it', { timeout: 240_000 }, async (t) => {
    const owner = await rig.phone('1002', { tone: 700, answerMode: 'auto' });
    await owner.dial(`sip:*97@${DOMAIN}`);
    await owner.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(2_500);
    // each key stops the prompt playing (barge-in); the waits leave room for the PIN check (argon2)
    // and the spoken prompts, and a key pressed between two menus would be lost
    await owner.sendDigits('4321#');
    await sleep(4_000);
    await owner.sendDigits('0'); // mailbox options
    await sleep(2_000);
    await owner.sendDigits('1'); // record the greeting: the prompt, the beep, then the phone's 700 Hz is recorded
    await sleep(9_000);
    await owner.sendDigits('#');
    await sleep(5_000); // the take is played back
    await owner.sendDigits('1'); // keep it
    await sleep(3_000);
    await owner.hangup();
    await owner.stop();
    const [ownerHeard] = owner.decodedDumps();
    assert.ok(ownerHeard);
    const playedBack = await strongest(ownerHeard, 700, [400, 1000]);
    t.diagnostic(`the take (700 Hz) played back to the owner: ${JSON.stringify(playedBack)}`);
    assert.ok(playedBack.db > -30 && playedBack.db - playedBack.otherDb > 15, `the owner heard its take played back: ${JSON.stringify(playedBack)}`);

    const box = await rig.server.api<Record<string, unknown>>('GET', '/api/v1/extensions/1002/mailbox');
    assert.equal(box.body['hasGreeting'], true, JSON.stringify(box.body));
    const stored = execFileSync('find', [path.join(rig.server.dataDir, 'voicemail', '1002'), '-name', 'greeting-*.wav']).toString().trim().split('\n').filter(Boolean);
    assert.equal(stored.length, 1, `one greeting file: ${stored.join(', ')}`);
    assert.notEqual(readFileSync(stored[0]!).subarray(0, 4).toString('latin1'), 'RIFF', 'the greeting is sealed, not a plain WAV');

    // 1002 has no phone registered now: the call goes to its mailbox at once, greeting first
    const caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await caller.dial(`sip:1002@${DOMAIN}`);
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(7_000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    await caller.stop();
    const [callerHeard] = caller.decodedDumps();
    assert.ok(callerHeard);
    const greeting = await strongest(callerHeard, 700, [400, 1000]);
    t.diagnostic(`the recorded greeting (700 Hz) in the next caller's decoded audio: ${JSON.stringify(greeting)}`);
    assert.ok(greeting.db > -30 && greeting.db - greeting.otherDb > 15, `the caller heard the greeting recorded by phone: ${JSON.stringify(greeting)}`);
  });
});
