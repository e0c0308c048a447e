// Acceptance (issue 12, voicemail and MWI) with real peers: baresip 1001 (a 400 Hz tone as its
// microphone) calls 1002, which rings without answer; 1002's mailbox answers with its uploaded
// greeting (a 600 Hz tone made by sox), and what 1001 says is stored sealed. A node-sip
// subscriber for 1002's message-summary (RFC 3842) sees Messages-Waiting go from no to yes with
// the counts; the API download is the 400 Hz tone. 1002 then dials *97, keys its PIN by RFC 4733
// DTMF, hears the message (400 Hz measured in what baresip decoded), and the lamp goes off once
// it was heard. Tones are measured with sox and a Goertzel filter, never with our own code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { startSubscriber, type Subscriber } from './helpers/node-sip-subscriber.js';
import { freePort } from './helpers/ports.js';
import { assertTone } from './helpers/audio.js';
import { strongest } from './helpers/tones.js';

const DOMAIN = '127.0.0.1';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RFC 3842 5.2: the message-summary body's headers */
const summary = (body: string) => ({
  waiting: /^Messages-Waiting:\s*(\w+)/im.exec(body)?.[1]?.toLowerCase(),
  voice: /^Voice-Message:\s*(\d+)\/(\d+)/im.exec(body)?.slice(1).map(Number),
});

describe('voicemail after no answer, MWI and retrieval by PIN with baresip and node-sip', () => {
  let rig: ExtensionPhones;
  let lamp: Subscriber;
  const work = mkdtempSync(path.join(tmpdir(), 'hailing-vm-'));

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    const api = rig.server.api;
    assert.equal((await api('PUT', '/api/v1/extensions/1002/call-handling', { dnd: false, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null, noAnswerS: 4 })).status, 200);
    const box = await api<Record<string, unknown>>('PUT', '/api/v1/extensions/1002/mailbox', { pin: '4321', maxMessageS: 30 });
    assert.equal(box.status, 200, JSON.stringify(box.body));
    assert.equal(box.body['hasPin'], true);
    // the greeting: 2 s of 600 Hz from sox, uploaded as audio/wav
    const greeting = path.join(work, 'greeting.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', greeting, 'synth', '2', 'sine', '600', 'vol', '0.5']);
    const token = await rig.server.token();
    const up = await fetch(`${rig.server.baseUrl}/api/v1/extensions/1002/mailbox/greeting`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/wav' }, body: readFileSync(greeting) });
    assert.equal(up.status, 200, await up.text());
    lamp = startSubscriber({ port: await freePort(), user: '1002', password: 'secret-1002', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, target: '1002', event: 'message-summary' });
  });

  after(async () => {
    lamp?.close();
    await rig?.close();
  });

  it('a message left after no answer lights the lamp, is stored sealed and downloads decrypted; *97 with the PIN plays it and the lamp goes off', { timeout: 240_000 }, async (t) => {
    assert.equal(await lamp.subscribe({ expires: 600 }), 200);
    const idle = await lamp.waitForNotify((n) => n.event.startsWith('message-summary'));
    assert.equal(idle.contentType, 'application/simple-message-summary');
    assert.deepEqual(summary(idle.body), { waiting: 'no', voice: [0, 0] });

    const caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const callee = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await caller.dial(`sip:1002@${DOMAIN}`);
    await callee.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    // nobody answers: after 4 s the mailbox does (greeting 2 s, beep), then 1001's tone is recorded
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(7_000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    const lit = await lamp.waitForNotify((n) => summary(n.body).waiting === 'yes', { timeoutMs: 30_000 });
    assert.deepEqual(summary(lit.body).voice, [1, 0], 'one new message, none old');
    await Promise.all([caller.stop(), callee.stop()]);
    // the caller heard the greeting: 600 Hz, well above its own 400 Hz
    const [heard] = caller.decodedDumps();
    assert.ok(heard);
    const greetingHeard = await strongest(heard, 600, [400, 800]);
    t.diagnostic(`greeting (600 Hz) in the caller's decoded audio: ${JSON.stringify(greetingHeard)}`);
    assert.ok(greetingHeard.db > -30 && greetingHeard.db - greetingHeard.otherDb > 15, `greeting in the caller's audio: ${JSON.stringify(greetingHeard)}`);

    const list = await rig.server.api<{ items: { id: string; caller: string; read: boolean; durationMs: number }[] }>('GET', '/api/v1/extensions/1002/mailbox/messages');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const message = list.body.items[0]!;
    assert.equal(message.caller, '1001');
    assert.equal(message.read, false);
    // sealed at rest: the file under the data folder is not a WAV; the API gives the plaintext
    const token = await rig.server.token();
    const audio = await fetch(`${rig.server.baseUrl}/api/v1/voicemail/messages/${message.id}/audio`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(audio.status, 200);
    const downloaded = path.join(work, 'message.wav');
    writeFileSync(downloaded, Buffer.from(await audio.arrayBuffer()));
    t.diagnostic(`downloaded message: ${JSON.stringify(await assertTone({ file: downloaded, hz: 400, minLengthS: 2 }))}`);
    const stored = execFileSync('find', [path.join(rig.server.dataDir, 'voicemail', '1002'), '-name', `${message.id}.wav`]).toString().trim();
    assert.notEqual(readFileSync(stored).subarray(0, 4).toString('latin1'), 'RIFF', 'the stored message is sealed, not a plain WAV');

    // retrieval: 1002 dials *97, keys 4321# (RFC 4733), hears the message, then * to end
    const since = lamp.notifies.length;
    const listener = await rig.phone('1002', { tone: 800, answerMode: 'auto' });
    await listener.dial(`sip:*97@${DOMAIN}`);
    await listener.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(2_500);
    await listener.sendDigits('4321#');
    const dark = await lamp.waitForNotify((n) => summary(n.body).waiting === 'no', { since, timeoutMs: 60_000 });
    assert.deepEqual(summary(dark.body).voice, [0, 1], 'heard: no new, one old');
    await sleep(1_000);
    await listener.hangup();
    await listener.stop();
    const dumps = listener.decodedDumps();
    const retrieved = dumps[dumps.length - 1]!;
    const played = await strongest(retrieved, 400, [600, 800]);
    t.diagnostic(`message (400 Hz) in the retrieving phone's decoded audio: ${JSON.stringify(played)}`);
    assert.ok(played.db > -30 && played.db - played.otherDb > 15, `the message's 400 Hz in what the retrieving phone decoded: ${JSON.stringify(played)}`);
  });
});
