// Acceptance (issue 12): the voicemail menu walked by phone as a user would, with real peers.
// - Unsolicited MWI: a node-sip phone registered as 1002 that never SUBSCRIBEd (it declines calls
//   with 480) gets an out-of-dialog message-summary NOTIFY (no To tag) each time a message arrives,
//   with Voice-Message 1/0 then 2/0.
// - Two messages: baresip 1001 (400 Hz) and 1003 (1000 Hz) each leave one in 1002's mailbox.
// - The owner (baresip 1002) dials *97, keys the PIN, 1 to listen: message 1's tone is heard, 6
//   (next) and message 2's tone is heard after it, 9 saves it; the API lists both read and the
//   lamp goes to Messages-Waiting no, 0/2 (a node-sip subscriber watches it from here on, as the
//   registered phone leaves so that baresip 1002 is the only binding). Again *97: 7 deletes
//   message 1; the API lists one message, the lamp 0/1. Then 2, keyed while message 2 plays (a key
//   during a message is the menu's choice, as on Asterisk), calls its sender back: that phone rings.
// - *98 from 1001: box number 1002, a wrong PIN three times is refused, then goodbye and hang-up;
//   with the right PIN and 1 the remaining message's tone is heard.
// Tones are measured with sox and a Goertzel filter in what baresip decoded (helpers/tones.ts).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { startNodeSipPhone, type NodeSipPhone } from './helpers/node-sip-phone.js';
import type { SipMessage } from './helpers/node-sip.js';
import { startSubscriber, type Subscriber } from './helpers/node-sip-subscriber.js';
import { freePort } from './helpers/ports.js';
import { strongest } from './helpers/tones.js';
import type { Phone } from './helpers/baresip.js';

const DOMAIN = '127.0.0.1';
const PIN = '4321';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** each caller's microphone tone; the owner's phone is 800 Hz */
const TONE: Readonly<Record<string, number>> = { '1001': 400, '1003': 1000 };
const OWNER_HZ = 800;
const GREETING_HZ = 600;

/** RFC 3842 5.2: the message-summary body's headers */
const summary = (body: string) => ({
  waiting: /^Messages-Waiting:\s*(\w+)/im.exec(body)?.[1]?.toLowerCase(),
  voice: /^Voice-Message:\s*(\d+)\/(\d+)/im.exec(body)?.slice(1).map(Number),
});

interface Listed {
  id: string;
  caller: string;
  read: boolean;
}

describe('the voicemail menu by phone: next, save, delete, call back, *98 and unsolicited MWI', () => {
  let rig: ExtensionPhones;
  let desk: NodeSipPhone;
  let lamp: Subscriber;
  const deskAccount = () => ({ user: '1002', password: 'secret-1002', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, algorithm: 'SHA-256' as const });
  /** the subscriber's NOTIFY with these Voice-Message counts, after the first `since` */
  const waitForCounts = (voice: number[], since: number) => lamp.waitForNotify((n) => JSON.stringify(summary(n.body).voice) === JSON.stringify(voice), { since, timeoutMs: 30_000 });
  /** message-summary NOTIFYs the never-subscribed phone received */
  const lamps: SipMessage[] = [];
  const waitForLamp = async (voice: number[], since: number) => {
    for (let i = 0; i < 300; i++, await sleep(100)) {
      const hit = lamps.slice(since).find((n) => JSON.stringify(summary(String(n.content)).voice) === JSON.stringify(voice));
      if (hit) return hit;
    }
    assert.fail(`no message-summary NOTIFY with Voice-Message ${voice.join('/')}: ${JSON.stringify(lamps.map((n) => n.content))}`);
  };
  const messages = async () => (await rig.server.api<{ items: Listed[] }>('GET', '/api/v1/extensions/1002/mailbox/messages')).body.items;
  /** the level of `hz` against the other tones in the call, loudest second */
  const heard = async (file: string, hz: number) => strongest(file, hz, [OWNER_HZ, GREETING_HZ, ...Object.values(TONE)].filter((f) => f !== hz));
  const assertHeard = (level: { db: number; otherDb: number }, what: string) => assert.ok(level.db > -30 && level.db - level.otherDb > 15, `${what}: ${JSON.stringify(level)}`);
  /** baresip `number` dials `code` and keys `digits` in turn, `gapMs` after each */
  const menuCall = async (number: string, code: string, keys: readonly [string, number][]): Promise<Phone> => {
    const phone = await rig.phone(number, { tone: number === '1002' ? OWNER_HZ : TONE[number]!, answerMode: 'auto' });
    await phone.dial(`sip:${code}@${DOMAIN}`);
    await phone.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(2_500);
    // the waits leave room for the PIN check (argon2) and for each message to be played out
    for (const [digits, gapMs] of keys) {
      await phone.sendDigits(digits);
      await sleep(gapMs);
    }
    return phone;
  };
  const finish = async (phone: Phone) => {
    if (phone.events.at(-1)?.type !== 'CALL_CLOSED') await phone.hangup().catch(() => undefined);
    await phone.stop();
    return phone.decodedDumps().at(-1)!;
  };

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003']);
    const api = rig.server.api;
    assert.equal((await api('PUT', '/api/v1/extensions/1002/call-handling', { dnd: false, forwardAlways: null, forwardBusy: null, forwardNoAnswer: null, noAnswerS: 4 })).status, 200);
    const box = await api<Record<string, unknown>>('PUT', '/api/v1/extensions/1002/mailbox', { pin: PIN, maxMessageS: 30 });
    assert.equal(box.status, 200, JSON.stringify(box.body));
    // the greeting: 2 s of 600 Hz from sox, uploaded as audio/wav
    const greeting = path.join(mkdtempSync(path.join(tmpdir(), 'hailing-vm-menu-')), 'greeting.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', greeting, 'synth', '2', 'sine', String(GREETING_HZ), 'vol', '0.5']);
    const up = await fetch(`${rig.server.baseUrl}/api/v1/extensions/1002/mailbox/greeting`, { method: 'PUT', headers: { authorization: `Bearer ${await rig.server.token()}`, 'content-type': 'audio/wav' }, body: readFileSync(greeting) });
    assert.equal(up.status, 200, await up.text());
    desk = startNodeSipPhone(await freePort(), { declineInvites: 480, onRequest: (rq) => rq.method === 'NOTIFY' && String(rq.headers['event'] ?? '').startsWith('message-summary') && lamps.push(rq) });
    assert.equal((await desk.register({ ...deskAccount(), expires: 600 })).status, 200);
    lamp = startSubscriber({ port: await freePort(), user: '1002', password: 'secret-1002', domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, target: '1002', event: 'message-summary' });
  });

  after(async () => {
    lamp?.close();
    desk?.close();
    await rig?.close();
  });

  it('two messages arrive; the phone that never subscribed gets an unsolicited NOTIFY for each', { timeout: 120_000 }, async () => {
    for (const [i, caller] of ['1001', '1003'].entries()) {
      const since = lamps.length;
      const phone = await rig.phone(caller, { tone: TONE[caller]!, answerMode: 'auto' });
      await phone.dial(`sip:1002@${DOMAIN}`);
      await phone.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
      await sleep(8_000); // the greeting (2 s), the beep, then the caller's tone is recorded
      await phone.hangup();
      await phone.waitForEvent({ type: 'CALL_CLOSED' });
      await phone.stop();
      const notify = await waitForLamp([i + 1, 0], since);
      assert.equal(summary(String(notify.content)).waiting, 'yes');
      assert.equal(notify.headers.to?.params.tag, undefined, 'out of any dialog: the To has no tag');
      const type = notify.headers['content-type'] as { type?: string } | string | undefined;
      assert.equal(typeof type === 'string' ? type : type?.type, 'application/simple-message-summary');
    }
    // the desk phone leaves (baresip 1002 must be the only binding); a subscriber watches the lamp from here on
    assert.equal((await desk.register({ ...deskAccount(), expires: 0 })).status, 200);
    assert.equal(await lamp.subscribe({ expires: 600 }), 200);
    const list = await messages();
    assert.deepEqual(list.map((m) => [m.caller, m.read]).sort(), [['1001', false], ['1003', false]]);
  });

  it('*97: 1 plays message 1, 6 the next one, 9 saves it; both are read and the lamp goes off', { timeout: 180_000 }, async (t) => {
    const order = (await messages()).map((m) => m.caller);
    const since = lamp.notifies.length;
    // each key waits until the heading and the message (about 8.5 s) have played: a key during a message is the choice
    const owner = await menuCall('1002', '*97', [[`${PIN}#`, 4_000], ['1', 12_000], ['6', 12_000], ['9', 3_000]]);
    const dark = await waitForCounts([0, 2], since);
    assert.equal(summary(dark.body).waiting, 'no');
    const audio = await finish(owner);
    const first = await heard(audio, TONE[order[0]!]!);
    const second = await heard(audio, TONE[order[1]!]!);
    t.diagnostic(`message 1 (${order[0]}): ${JSON.stringify(first)}; message 2 (${order[1]}): ${JSON.stringify(second)}`);
    assertHeard(first, `message 1's tone in what the owner heard`);
    assertHeard(second, `message 2's tone in what the owner heard`);
    assert.ok(first.at < second.at, 'message 1 was played before message 2');
    assert.deepEqual((await messages()).map((m) => m.read), [true, true]);
  });

  /** whether the sender's phone rang on the 2 (call back) key in the test below */
  let calledBack: { rang: boolean; sender: string } | undefined;

  it('*97: 7 deletes message 1 (the lamp follows), then 2 on message 2 is keyed to call its sender back', { timeout: 180_000 }, async () => {
    const [gone, kept] = await messages();
    assert.ok(gone && kept);
    const sender = await rig.phone(kept.caller, { tone: TONE[kept.caller]!, answerMode: 'manual' });
    const since = lamp.notifies.length;
    const owner = await menuCall('1002', '*97', [[`${PIN}#`, 4_000], ['1', 9_000], ['7', 9_000], ['2', 0]]);
    const ring = await sender.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 30_000 }).catch(() => null);
    calledBack = { rang: ring !== null && /1002/.test(ring.peeruri ?? ''), sender: kept.caller };
    await finish(owner);
    await sender.stop();
    await waitForCounts([0, 1], since);
    // message 1 is gone, message 2 is kept (read)
    assert.deepEqual(await messages(), [kept]);
    assert.notEqual(kept.id, gone.id);
  });

  it('the call-back key (2) rings the sender from 1002', () => {
    assert.ok(calledBack?.rang, `the sender ${calledBack?.sender} rang`);
  });

  it('*98: another box by number; a wrong PIN three times is refused and the call ends, the right one plays', { timeout: 180_000 }, async (t) => {
    const refused = await menuCall('1001', '*98', [['1002#', 1_500], ['1111#', 4_000], ['2222#', 4_000], ['3333#', 4_000]]);
    await refused.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 20_000 });
    await finish(refused);
    const [left] = await messages();
    assert.ok(left);
    const listener = await menuCall('1001', '*98', [['1002#', 1_500], [`${PIN}#`, 4_000], ['1', 9_000]]);
    assert.notEqual(listener.events.at(-1)?.type, 'CALL_CLOSED', 'the right PIN opens the box');
    const audio = await finish(listener);
    const level = await heard(audio, TONE[left.caller]!);
    t.diagnostic(`the remaining message (${left.caller}) heard through *98: ${JSON.stringify(level)}`);
    assertHeard(level, `the message's tone heard through *98`);
  });
});
