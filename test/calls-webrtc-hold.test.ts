// Acceptance: hold and resume between a WebRTC browser agent (headless Chromium, JsSIP over WSS,
// fake microphone playing 600 Hz) and a desk phone through Hailing. JsSIP's hold() sends a
// re-INVITE with a=sendonly on the same ICE/DTLS session (RFC 3264 §8.4); Hailing must answer it
// on the WebRTC leg (recvonly, RFC 3264 §6.1, same ICE credentials and DTLS fingerprint) and carry
// it to the phone as its own re-INVITE. JsSIP fails the hold (and ends the call) unless the
// re-INVITE gets a 2xx with a usable answer. What the phone hears is measured per stretch: the
// tone, then silence while held (JsSIP disables its track on hold), then the tone again. Then a
// baresip phone holds (its `hold` command): the browser gets a re-INVITE with a WebRTC offer of
// ours, which JsSIP must apply, and hears the phone again after `resume`.
// Last, the browser as the bridged callee of a call Hailing answered itself (a queue's or an IVR's:
// answer, then dial): its hold and resume are answered by its own WebRTC endpoint.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Phone } from './helpers/baresip.js';
import { chromiumMissing } from './helpers/browser.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { describeLevels, measureTones } from './helpers/tones.js';
import { freePort } from './helpers/ports.js';
import { describeAudio, startRtpPeer } from './helpers/rtp-peer.js';
import { startSipUa } from './helpers/sip-ua.js';
import type { AgentPage } from './helpers/webrtc-page.js';
import { startWebRtcRig, type RegisteredAgent, type WebRtcRig } from './helpers/webrtc-rig.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const BROWSER_HZ = 600;
const PHONE_HZ = 800;
const STRETCH_MS = 3000;
/** left out at each stretch's start (20 ms packets): the re-INVITE round trip and jitter-buffer refill */
const SETTLE_PACKETS = 35;
/** node-sip's UA binds a loopback address of its own (sip-ua.ts) */
const PHONES = '127.0.0.6';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const skip = chromiumMissing();
const attr = (sdp: string, name: string): string | undefined => new RegExp(`^a=${name}:(.*)$`, 'm').exec(sdp)?.[1]?.trim();
const direction = (sdp: string): string | undefined => /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(sdp)?.[1];

async function until(what: string, probe: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('hold and resume between a WebRTC browser agent and a desk phone', { skip: skip ?? false, timeout: 180_000 }, () => {
  let rig: WebRtcRig;
  let server: HailingProcess;
  let dir = '';
  const closers: (() => Promise<void>)[] = [];

  before(async () => {
    rig = await startWebRtcRig({ extensions: ['1001', '1002', '1003'], browserHz: BROWSER_HZ, seconds: 90 });
    ({ server, dir } = rig);
  });

  after(async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
    await rig?.close();
  });

  /**
   * What the phone heard in three stretches (its received G.711, decoded by sox): the browser's tone,
   * none while the browser holds (JsSIP disables its track), the tone again after the resume.
   */
  async function toneSilenceTone(media: { received: { payloadType: number; payload: Buffer }[] }, name: string, stretches: { from: number; to: number }[]): Promise<void> {
    const heard = async (part: string, s: { from: number; to: number }) => {
      const packets = media.received.slice(s.from + SETTLE_PACKETS, s.to);
      const pt = packets[0]?.payloadType;
      assert.ok(pt === 0 || pt === 8, `${name} ${part}: G.711 packets at the phone (${packets.length}, payload type ${pt})`);
      const file = path.join(dir, `${name}-${part}.${pt === 0 ? 'ul' : 'al'}`);
      await writeFile(file, Buffer.concat(packets.filter((p) => p.payloadType === pt).map((p) => p.payload)));
      return measureTones({ file, hz: [BROWSER_HZ], startS: 0, durationS: 60 });
    };
    const [talking, onHold, resumed] = [await heard('talking', stretches[0]!), await heard('held', stretches[1]!), await heard('resumed', stretches[2]!)];
    const db = (l: typeof talking) => l.levels.get(BROWSER_HZ)!;
    assert.ok(db(talking) > -40, `before hold the phone hears ${BROWSER_HZ} Hz: ${describeLevels(talking)}`);
    assert.ok(db(onHold) < db(talking) - 20, `on hold the phone hears no ${BROWSER_HZ} Hz: ${describeLevels(onHold)} (before: ${describeLevels(talking)})`);
    assert.ok(db(resumed) > -40, `after resume the phone hears ${BROWSER_HZ} Hz again: ${describeLevels(resumed)}`);
  }

  /**
   * The browser holds and resumes: each re-INVITE must get a 2xx (JsSIP ends the call otherwise)
   * whose answer mirrors the direction on the same ICE and DTLS session (RFC 3264 §6.1, §8).
   * Returns the packet counts at the phone for the three stretches.
   */
  async function browserHoldsAndResumes(agent: AgentPage, must: RegisteredAgent['must'], media: { received: unknown[] }): Promise<{ from: number; to: number }[]> {
    const setup = (await agent.sdp()).remote;
    const a = { from: media.received.length, to: 0 };
    await sleep(STRETCH_MS);
    a.to = media.received.length;
    await must(agent.hold(true), 15_000, "the browser's hold re-INVITE to succeed");
    const b = { from: media.received.length, to: 0 };
    assert.deepEqual(await agent.holds(), ['hold:local']);
    const held = (await agent.sdp()).remote;
    assert.equal(direction(held), 'recvonly', held);
    for (const name of ['ice-ufrag', 'ice-pwd', 'fingerprint']) assert.equal(attr(held, name), attr(setup, name), `${name} kept across the re-INVITE`);
    await sleep(STRETCH_MS);
    b.to = media.received.length;
    await must(agent.hold(false), 15_000, "the browser's resume re-INVITE to succeed");
    const c = { from: media.received.length, to: 0 };
    assert.deepEqual(await agent.holds(), ['hold:local', 'unhold:local']);
    assert.equal(direction((await agent.sdp()).remote), 'sendrecv');
    await sleep(STRETCH_MS);
    c.to = media.received.length;
    assert.equal(await agent.pcState(), 'connected');
    return [a, b, c];
  }

  /** baresip 1002 and a browser agent 1001 on a call the browser made */
  async function connect(): Promise<{ phone: Phone; agent: AgentPage; setup: string; why: () => Promise<string>; must: <T>(p: Promise<T>, ms: number, what: string) => Promise<T> }> {
    const phone = await rig.phone({ user: '1002', tone: PHONE_HZ, answerMode: 'auto' });
    const { agent, why, must } = await rig.agent('1001');
    await must(agent.call(`sip:1002@${DOMAIN}`), 30_000, 'the call to be confirmed');
    await phone.waitForEvent({ type: 'CALL_ESTABLISHED' });
    return { phone, agent, setup: (await agent.sdp()).remote, why, must };
  }

  // The desk phone here is node-sip with a plain RTP socket (an independent implementation):
  // baresip 1.0's sndfile dump stops at the first re-INVITE (its player is restarted), so what the
  // phone hears across hold and resume is measured from the RTP it received, decoded by sox.
  it('the browser holds and resumes: the re-INVITEs are answered on the WebRTC leg and carried to the phone, which hears the tone, silence, the tone', async () => {
    const media = await startRtpPeer({ address: PHONES });
    closers.push(() => media.close());
    const ua = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, media: { address: media.address, port: media.port }, incoming: { kind: 'answer' } });
    closers.push(() => ua.close());
    assert.equal(await ua.register({ user: '1003', password: 'secret-1003' }), 200);
    const { agent, must } = await rig.agent('1001');
    try {
      await must(agent.call(`sip:1003@${DOMAIN}`), 30_000, 'the call to be confirmed');
      const incoming = await ua.nextIncoming();
      const stretches = await browserHoldsAndResumes(agent, must, media);
      // the phone was told in re-INVITEs of its own (RFC 3264 §8.4), in node-sip's reading of them
      for (const [what, want] of [['hold', 'sendonly'], ['resume', 'sendrecv']] as const) {
        const offer = describeAudio((await incoming.dialog.reinvites.next(10_000, `the ${what} re-INVITE at the phone`)).content);
        assert.equal(typeof offer === 'string' ? offer : offer.direction, want);
      }

      await agent.hangup();
      await within(agent.ended(), 10_000, 'the browser session to end');
      await within(incoming.dialog.bye.promise, 10_000, 'the BYE at the phone');

      await toneSilenceTone(media, 'browser-holds', stretches);
    } finally {
      await agent.stop().catch(() => {});
      await agent.close();
    }
  });

  it('baresip holds and resumes: the browser gets re-INVITEs with our WebRTC offer (same ICE and DTLS), applies them and hears baresip again', async () => {
    const { phone, agent, setup, why } = await connect();
    try {
      // the phone holds: the browser gets a re-INVITE with our WebRTC offer (same ICE and DTLS) and answers it
      await phone.command('hold');
      await until('JsSIP to report the remote hold', async () => (await agent.holds()).includes('hold:remote')).catch(async (err: unknown) => assert.fail(`${String(err)}\n${await why()}`));
      const offered = (await agent.sdp()).remote;
      assert.equal(direction(offered), 'sendonly', offered);
      for (const name of ['ice-ufrag', 'ice-pwd', 'fingerprint']) assert.equal(attr(offered, name), attr(setup, name), `${name} kept in our re-offer`);
      // and baresip gets the browser's answer as its own: RFC 3264 §6.1, sendonly answered recvonly
      const okToPhone = () => phone.sipTrace().filter((m) => m.dst.endsWith(`:${phone.listenPort}`) && /^SIP\/2\.0 200 /.test(m.startLine) && /INVITE/.test(m.header('cseq') ?? ''));
      await until('baresip to get the 200 to its hold re-INVITE', async () => okToPhone().length >= 1);
      assert.equal(direction(okToPhone()[0]!.body), 'recvonly', okToPhone()[0]!.body);
      await phone.command('resume');
      await until('JsSIP to report the remote resume', async () => (await agent.holds()).includes('unhold:remote')).catch(async (err: unknown) => assert.fail(`${String(err)}\n${await why()}`));
      await sleep(1500);
      assert.equal(await agent.pcState(), 'connected');
      const peaks = await agent.peakHz();
      const good = peaks.filter((p) => Math.abs(p.hz - PHONE_HZ) <= 18 && p.db > -80);
      assert.ok(good.length >= peaks.length / 2 && peaks.length > 0, `after the phone resumed, browser peaks: ${JSON.stringify(peaks)}\n${await why()}`);

      await agent.hangup();
      await within(agent.ended(), 10_000, 'the browser session to end');
      await phone.waitForEvent({ type: 'CALL_CLOSED' });
    } finally {
      await agent.stop().catch(() => {});
      await agent.close();
    }
  });

  // A queue or IVR call reaches the browser agent as the callee of a call Hailing answered itself
  // (answer, then dial): the browser's re-INVITE is answered by its own WebRTC endpoint, not relayed
  // (the caller's side is Hailing's), and the caller hears no tone while the browser holds.
  it('the browser as the bridged callee of a call answered here holds and resumes: answered by its WebRTC endpoint, the caller hears the tone, silence, the tone', async () => {
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern: '7001', permission: null, steps: [{ kind: 'answer' }, { kind: 'extension', number: '1001', timeoutS: 20 }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const media = await startRtpPeer({ address: PHONES });
    closers.push(() => media.close());
    const ua = await startSipUa({ address: PHONES, port: await freePort(PHONES), domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, media: { address: media.address, port: media.port } });
    closers.push(() => ua.close());
    const { agent, must } = await rig.agent('1001');
    try {
      await agent.autoAnswer(true);
      const call = ua.call({ to: '7001', user: '1003', password: 'secret-1003' });
      await must(agent.incomingConfirmed(), 30_000, 'the browser to answer the bridged call');
      assert.equal((await within(call.final, 10_000, 'the 200 at the caller')).status, 200);
      const stretches = await browserHoldsAndResumes(agent, must, media);
      await agent.hangup();
      await within(agent.ended(), 10_000, 'the browser session to end');
      await toneSilenceTone(media, 'bridged-callee-holds', stretches);
    } finally {
      await agent.stop().catch(() => {});
      await agent.close();
    }
  });
});
