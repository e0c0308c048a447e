// Attended transfer (issue 12; RFC 5589 §7, RFC 3515 REFER with RFC 3891 Replaces) with real
// phones: baresip 1001 (400 Hz) calls 1002, which holds it, calls baresip 1003 (1200 Hz) and
// then sends REFER on the 1001 dialog naming its 1003 dialog in Replaces. Debian's baresip 1.0
// has blind transfer only (`/transfer`; no attended transfer in its menu module), so 1002 is a
// node-sip UA (an independent SIP implementation) scripted as a desk phone does it. After the
// transfer 1001 hears 1003's tone and 1003 hears 1001's (decoded audio dumps), 1002 got NOTIFY
// sipfrag progress and its two dialogs are gone, and both call records show the transfer.
// INVITE with Replaces (RFC 3891 §3): another device of 1002 (node-sip, sending a 600 Hz tone as
// G.711 made by sox) takes over baresip 1002's dialog with 1001: refused 481/486/403 where the RFC
// says so, then 1002's phone gets BYE and 1001 and the new device hear each other.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { audioOf } from './helpers/rtp-peer.js';
import { loudestAtEnd, toneSender, type ToneSender } from './helpers/tone-sender.js';
import { describeLevels, measureTones, readSamples, rmsDbfs } from './helpers/tones.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { received, type Phone } from './helpers/baresip.js';
import { listCallRecords } from './helpers/cdrs.js';
import { freePort } from './helpers/ports.js';
import { startSipUa, type Dialog, type SipMessage, type SipUa } from './helpers/sip-ua.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
/** node-sip binds a loopback address of its own */
const B_ADDRESS = '127.0.0.7';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** one of 1001 (a, 400 Hz) and 1003 (c, 1200 Hz) hangs up; in the end of what each decoded, each heard the other */
async function hangUpAndHearEachOther(o: { a: Phone; c: Phone; hangsUp: Phone }): Promise<void> {
  const { a, c } = o;
  await o.hangsUp.hangup();
  await (o.hangsUp === a ? c : a).waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
  await Promise.all([a.stop(), c.stop()]);
  const hz = [400, 800, 1200];
  const aHeard = await tailTone(a, hz);
  const cHeard = await tailTone(c, hz);
  assert.equal(aHeard.hz, 1200, `after the transfer 1001 hears 1003: ${aHeard.text}`);
  assert.equal(cHeard.hz, 400, `after the transfer 1003 hears 1001: ${cHeard.text}`);
}

/** the loudest of `hz` in the last seconds of what `phone` heard */
async function tailTone(phone: Phone, hz: readonly number[]): Promise<{ hz: number; text: string }> {
  const [file] = phone.decodedDumps();
  assert.ok(file, 'the phone wrote a decoded dump');
  return loudestAtEnd(file, hz);
}

/** NOTIFYs of the REFER's subscription until the one that terminates it */
async function notifiesUntilTerminated(dialog: Dialog): Promise<SipMessage[]> {
  const got: SipMessage[] = [];
  for (;;) {
    const n = await dialog.notifies.next(30_000, 'a NOTIFY of the REFER subscription');
    got.push(n);
    if (/terminated/i.test(String(n.headers['subscription-state'] ?? ''))) return got;
  }
}

const refer = (dialog: Dialog, referTo: string) => dialog.request('REFER', undefined, undefined, { 'refer-to': referTo });
/** RFC 3891 §6.1 inside a Refer-To URI (RFC 5589 §7): the dialog B has with Hailing for its call to C */
const replacesUri = (target: string, d: Dialog) => `<sip:${target}@${DOMAIN}?Replaces=${encodeURIComponent(`${d.callId};to-tag=${d.state.remoteTag};from-tag=${d.state.localTag}`)}>`;

describe('attended transfer (REFER with Replaces): baresip 1001 and 1003, a node-sip transferor 1002', () => {
  let rig: ExtensionPhones;
  let b: SipUa;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003']);
    b = await startSipUa({ address: B_ADDRESS, port: await freePort(B_ADDRESS), domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, incoming: { kind: 'answer' } });
    assert.equal(await b.register({ user: '1002', password: 'secret-1002' }), 200);
  });

  after(async () => {
    await b?.close();
    await rig?.close();
  });

  /** 1001 calls 1002 (answered), or 1002 calls 1001 (`bCallsA`); 1002 holds 1001 and calls 1003 (answered) */
  async function twoCalls(o: { bCallsA?: boolean } = {}): Promise<{ a: Phone; c: Phone; ab: Dialog; bc: Dialog; aEstablishedAt: number; heldAt: number }> {
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const c = await rig.phone('1003', { tone: 1200, answerMode: 'auto', sipTrace: true });
    let ab: Dialog;
    let aEstablishedAt = 0;
    if (o.bCallsA) {
      const first = b.call({ to: '1001', user: '1002', password: 'secret-1002' });
      assert.equal((await within(first.final, 30_000, "1001's answer")).status, 200);
      aEstablishedAt = (await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 })).at;
      const dialog = first.dialog();
      assert.ok(dialog, 'the 1002–1001 dialog');
      ab = dialog;
    } else {
      await a.dial(`sip:1002@${DOMAIN}`);
      const incoming = await b.nextIncoming(15_000);
      aEstablishedAt = (await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 })).at;
      await within(incoming.ack, 10_000, "the ACK of 1002's answer");
      ab = incoming.dialog;
    }
    // a desk phone holds the first call before it dials the second (RFC 3264 §8.4)
    const held = await ab.reinvite('sendonly');
    assert.equal(held.status, 200, 'the hold is answered');
    const heldAt = Date.now();
    const second = b.call({ to: '1003', user: '1002', password: 'secret-1002' });
    const answered = await within(second.final, 30_000, "1003's answer");
    assert.equal(answered.status, 200);
    const bc = second.dialog();
    assert.ok(bc, 'the 1002–1003 dialog');
    await c.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    return { a, c, ab, bc, aEstablishedAt, heldAt };
  }

  it('RFC 5589 §7: 1002 refers 1001 to 1003 with Replaces; NOTIFY 100 then 200; 1001 and 1003 hear each other; 1002 is out of both calls; both records show the transfer', { timeout: 180_000 }, async () => {
    const { a, c, ab, bc, aEstablishedAt, heldAt } = await twoCalls();
    await sleep(1500);

    const referAt = Date.now();
    const accepted = await refer(ab, replacesUri('1003', bc));
    assert.equal(accepted.status, 202, `the REFER is accepted: ${accepted.status} ${accepted.reason}`);
    const notifies = await notifiesUntilTerminated(ab);
    const frags = notifies.map((n) => String(n.content ?? '').trim());
    assert.match(String(notifies[0]!.headers.event ?? ''), /^refer/i);
    assert.match(frags[0]!, /^SIP\/2\.0 100 /, frags.join(' | '));
    assert.match(frags.at(-1)!, /^SIP\/2\.0 200 /, `the final NOTIFY says the transfer worked: ${frags.join(' | ')}`);
    // RFC 5589 §7.1: the transferor hangs up both dialogs; Hailing answers both BYEs
    assert.equal((await ab.sendBye()).status, 200, 'BYE on the 1001 dialog');
    assert.equal((await bc.sendBye()).status, 200, 'BYE on the 1003 dialog');
    // 1002's dialogs are gone: a request in either is answered 481 (RFC 3261 §12.2.2)
    assert.equal((await ab.request('OPTIONS')).status, 481);
    assert.equal((await bc.request('OPTIONS')).status, 481);

    // 1001's own hold and resume are answered by its endpoint, not sent to the departed 1002
    await sleep(1500);
    await a.command('hold');
    await sleep(1500);
    await a.command('resume');
    await sleep(4000);
    assert.equal(ab.reinvites.all.length, 0, '1002 is sent no re-INVITE after it left');
    const invite2xx = received(a, /^SIP\/2\.0 200 /).filter((m) => /INVITE/i.test(m.header('cseq') ?? ''));
    assert.equal(invite2xx.length, 3, "1001's call, hold and resume were each answered 200");
    await hangUpAndHearEachOther({ a, c, hangsUp: a });
    // while 1002 consulted 1003, the held 1001 heard music on hold (the default class's melody) until
    // the REFER: 1002 itself sends no audio, so without it 1001 would hear silence
    const [aHeard] = a.decodedDumps();
    const consulting = await readSamples({ file: aHeard!, startS: (heldAt - aEstablishedAt) / 1000 + 0.5, durationS: Math.max(0.5, (referAt - heldAt) / 1000 - 0.8) });
    assert.ok(rmsDbfs(consulting) > -45, `1001 heard music on hold while held (RMS ${rmsDbfs(consulting).toFixed(1)} dBFS over ${(consulting.length / 8000).toFixed(1)} s)`);

    const api = rig.server.api.bind(rig.server);
    let records: Awaited<ReturnType<typeof listCallRecords>> = [];
    const deadline = Date.now() + 10_000;
    const transferred = (r: (typeof records)[number]) => JSON.stringify((r as unknown as { routing?: unknown }).routing ?? {}).includes('attended transfer');
    while (Date.now() < deadline) {
      records = (await listCallRecords(api, '1002')).filter((r) => r.disposition !== null);
      if (records.filter(transferred).length >= 2) break;
      await sleep(200);
    }
    const both = records.filter(transferred);
    assert.deepEqual(both.map((r) => `${r.caller}->${r.callee}`).sort(), ['1001->1002', '1002->1003'], JSON.stringify(records));
    for (const r of both) assert.equal(r.disposition, 'ANSWERED');
  });

  it("the caller of both calls may transfer (1002 called 1001 and 1003; its REFER comes from the caller's side, which a blind transfer may not): 1001 and 1003 hear each other", { timeout: 180_000 }, async () => {
    const { a, c, ab, bc } = await twoCalls({ bCallsA: true });
    await sleep(1500);
    assert.equal((await refer(ab, replacesUri('1003', bc))).status, 202);
    const frags = (await notifiesUntilTerminated(ab)).map((n) => String(n.content ?? '').trim());
    assert.match(frags.at(-1)!, /^SIP\/2\.0 200 /, frags.join(' | '));
    assert.equal((await ab.sendBye()).status, 200);
    assert.equal((await bc.sendBye()).status, 200);
    await sleep(4000);
    await hangUpAndHearEachOther({ a, c, hangsUp: c });
  });

  it('POST /api/v1/calls/{id}/join: the party both calls have in common (1002) gets BYE on both dialogs and 1001 and 1003 hear each other', { timeout: 180_000 }, async () => {
    const { a, c, ab, bc } = await twoCalls();
    type Live = { id: string; caller: string; callee: string };
    const listed = await rig.server.api<{ items: Live[] }>('GET', '/api/v1/calls');
    const first = listed.body.items.find((x) => x.caller === '1001' && x.callee === '1002');
    const second = listed.body.items.find((x) => x.caller === '1002' && x.callee === '1003');
    assert.ok(first && second, JSON.stringify(listed.body));
    await sleep(1500);
    const joined = await rig.server.api('POST', `/api/v1/calls/${first.id}/join`, { call: second.id });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    await within(Promise.all([ab.bye.promise, bc.bye.promise]), 15_000, "Hailing's BYE on both of 1002's dialogs");
    await sleep(4000);
    await hangUpAndHearEachOther({ a, c, hangsUp: a });
  });

  it('a failed attended transfer (1003 hung up before the REFER): NOTIFY 481, and 1001 and 1002 stay in their call', { timeout: 180_000 }, async () => {
    const { a, c, ab, bc } = await twoCalls();
    await c.hangup();
    await within(bc.bye.promise, 15_000, "1003's BYE at 1002");

    const accepted = await refer(ab, replacesUri('1003', bc));
    assert.equal(accepted.status, 202);
    const frags = (await notifiesUntilTerminated(ab)).map((n) => String(n.content ?? '').trim());
    assert.match(frags.at(-1)!, /^SIP\/2\.0 481 /, `the final NOTIFY reports the failure: ${frags.join(' | ')}`);
    // the first call is as it was: 1002 resumes it and later hangs up, which 1001 sees
    assert.equal((await ab.reinvite('sendrecv')).status, 200, '1002 resumes 1001');
    await sleep(1000);
    assert.equal((await ab.sendBye()).status, 200);
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), c.stop()]);
  });
});

describe('INVITE with Replaces (RFC 3891 §3): a second device of 1002 takes over its call with baresip 1001', () => {
  let rig: ExtensionPhones;
  let d: SipUa;
  let work: string;
  let media: ToneSender;
  const D_ADDRESS = '127.0.0.8';

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002', '1003']);
    work = mkdtempSync(join(tmpdir(), 'hailing-replaces-'));
    media = await toneSender({ address: D_ADDRESS, hz: 600, work });
    d = await startSipUa({ address: D_ADDRESS, port: await freePort(D_ADDRESS), domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, media: { address: D_ADDRESS, port: media.port } });
  });

  after(async () => {
    media?.close();
    await d?.close();
    await rig?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const inviteReplacing = async (o: { user: string; replaces: string }): Promise<SipMessage> =>
    within(d.call({ to: '1001', user: o.user, password: `secret-${o.user}`, headers: { replaces: o.replaces } }).final, 20_000, 'the final response to the INVITE with Replaces');

  it('481 for an unknown dialog, 486 for early-only on a confirmed one, 403 for another extension; then 1002\'s phone gets BYE and 1001 and the new device hear each other', { timeout: 180_000 }, async () => {
    assert.equal((await inviteReplacing({ user: '1002', replaces: 'no-such-call;to-tag=a;from-tag=b' })).status, 481, 'RFC 3891 §3: no matching dialog');

    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto', sipTrace: true });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'manual', sipTrace: true });
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    await b.answer();
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 15_000 });
    await sleep(1000);
    // 1002's dialog with Hailing as its phone saw it: Hailing's tag in the INVITE's From, the phone's in the ACK's To
    const invite = received(b, /^INVITE /)[0];
    const ack = received(b, /^ACK /)[0];
    assert.ok(invite && ack, 'baresip 1002 traced the INVITE and its ACK');
    const tag = (v: string | undefined) => /;\s*tag=([^;\s]+)/i.exec(v ?? '')?.[1] ?? '';
    const replaces = `${invite.header('call-id')};to-tag=${tag(invite.header('from'))};from-tag=${tag(ack.header('to'))}`;

    assert.equal((await inviteReplacing({ user: '1002', replaces: `${replaces};early-only` })).status, 486, 'RFC 3891 §3: early-only on a confirmed dialog');
    assert.equal((await inviteReplacing({ user: '1003', replaces })).status, 403, 'only 1002 may replace its own dialog');

    const taking = d.call({ to: '1001', user: '1002', password: 'secret-1002', headers: { replaces } });
    const answered = await within(taking.final, 20_000, 'the answer to the INVITE with Replaces');
    assert.equal(answered.status, 200, `${answered.status} ${answered.reason}`);
    const dialog = taking.dialog();
    assert.ok(dialog);
    const remote = audioOf(String(answered.content ?? ''));
    media.start({ address: remote.address, port: remote.port });
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await sleep(4000);
    assert.equal((await dialog.sendBye()).status, 200);
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await Promise.all([a.stop(), b.stop()]);

    const aHeard = await tailTone(a, [400, 600, 800]);
    assert.equal(aHeard.hz, 600, `1001 hears the new device: ${aHeard.text}`);
    const file = media.heard();
    const lengthS = Number(execFileSync('soxi', ['-D', file], { encoding: 'utf8' }).trim());
    assert.ok(lengthS > 2, `the new device received ${lengthS} s of audio`);
    const t = await measureTones({ file, hz: [400, 600, 800], startS: Math.max(0, lengthS - 2.5), durationS: 2 });
    const [loudest] = [...t.levels].sort((x, y) => y[1] - x[1])[0]!;
    assert.equal(loudest, 400, `the new device hears 1001: ${describeLevels(t)}`);
  });
});
