// Acceptance (issue 12): BLF directed pickup by INVITE with Replaces (RFC 3891 §3), as a Yealink
// does it. baresip 1001 (400 Hz) calls baresip 1002, which rings (manual answer); a node-sip
// watcher subscribed to 1002's dialog package (RFC 4235) reads the early dialog's call-id,
// local-tag and remote-tag; a node-sip phone of 1003 (600 Hz made by sox) sends an INVITE whose
// Replaces names that dialog. 1002 gets CANCEL, 1001 and 1003 hear each other (decoded audio), and
// 1003's BYE ends 1001's call. The caller itself naming its own ringing dialog still gets 481.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { received } from './helpers/baresip.js';
import { audioOf } from './helpers/rtp-peer.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { startSubscriber, type ReceivedNotify, type Subscriber } from './helpers/node-sip-subscriber.js';
import { loudestAtEnd, toneSender, type ToneSender } from './helpers/tone-sender.js';
import { freePort } from './helpers/ports.js';
import { startSipUa, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
/** node-sip binds a loopback address of its own */
const C_ADDRESS = '127.0.0.9';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RFC 4235 §4.1.1: the early dialog's call-id and tags in a dialog-info NOTIFY */
function earlyDialog(n: ReceivedNotify): { callId: string; localTag: string; remoteTag: string } | undefined {
  for (const m of n.body.matchAll(/<dialog\s([^>]*)>([\s\S]*?)<\/dialog>/g)) {
    if (/<state[^>]*>early<\/state>/.exec(m[2]!) === null) continue;
    const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(m[1]!)?.[1];
    const [callId, localTag, remoteTag] = [attr('call-id'), attr('local-tag'), attr('remote-tag')];
    if (callId && localTag && remoteTag) return { callId, localTag, remoteTag };
  }
  return undefined;
}

describe('BLF pickup by INVITE with Replaces: a node-sip 1003 takes the call ringing at baresip 1002', () => {
  let rig: ExtensionPhones;
  let watcher: Subscriber;
  let c: SipUa;
  let work: string;
  let media: ToneSender;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003']);
    work = mkdtempSync(join(tmpdir(), 'hailing-pickup-replaces-'));
    media = await toneSender({ address: C_ADDRESS, hz: 600, work });
    const server = { host: '127.0.0.1', port: rig.server.ports.sip };
    watcher = startSubscriber({ port: await freePort(), user: '1003', password: 'secret-1003', domain: DOMAIN, server, target: '1002', event: 'dialog' });
    c = await startSipUa({ address: C_ADDRESS, port: await freePort(C_ADDRESS), domain: DOMAIN, server, media: { address: C_ADDRESS, port: media.port } });
  });

  after(async () => {
    watcher?.close();
    media?.close();
    await c?.close();
    await rig?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("1002 gets CANCEL, 1001 and 1003 hear each other, 1003's BYE ends the call; the caller naming its own ringing dialog gets 481", { timeout: 180_000 }, async () => {
    assert.equal(await watcher.subscribe({ expires: 600, accept: 'application/dialog-info+xml' }), 200);
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    const notify = await watcher.waitForNotify((n) => earlyDialog(n) !== undefined, { timeoutMs: 15_000 });
    const d = earlyDialog(notify)!;
    // RFC 3891 §3: to-tag is the tag of the dialog at the INVITE's recipient (Hailing: the watched side's local-tag)
    const replaces = `${d.callId};to-tag=${d.localTag};from-tag=${d.remoteTag}`;

    const own = await within(c.call({ to: '1002', user: '1001', password: 'secret-1001', headers: { replaces } }).final, 20_000, "the caller's own INVITE with Replaces");
    assert.equal(own.status, 481, 'RFC 3891 §3: an early dialog not initiated by Hailing, named by its own caller');

    const picking = c.call({ to: '1002', user: '1003', password: 'secret-1003', headers: { replaces } });
    const answered = await within(picking.final, 20_000, 'the answer to the pickup INVITE');
    assert.equal(answered.status, 200, `${answered.status} ${answered.reason}`);
    const dialog = picking.dialog();
    assert.ok(dialog);
    const remote = audioOf(String(answered.content ?? ''));
    media.start({ address: remote.address, port: remote.port });
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    assert.equal(received(b, /^CANCEL /).length, 1, 'the phone that rang received a CANCEL');
    await sleep(4000);
    assert.equal((await dialog.sendBye()).status, 200);
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), b.stop()]);

    const [callerHeard] = a.decodedDumps();
    assert.ok(callerHeard, 'the caller wrote a decoded dump');
    const aHeard = await loudestAtEnd(callerHeard, [400, 600, 800]);
    assert.equal(aHeard.hz, 600, `1001 hears the picker: ${aHeard.text}`);
    const cHeard = await loudestAtEnd(media.heard(), [400, 600, 800]);
    assert.ok(cHeard.lengthS > 2, `the picker received ${cHeard.lengthS} s of audio`);
    assert.equal(cHeard.hz, 400, `the picker hears 1001: ${cHeard.text}`);
  });
});
