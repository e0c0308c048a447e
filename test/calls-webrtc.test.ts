// Acceptance: a browser agent (headless Chromium, JsSIP over WSS, fake microphone playing a 600 Hz
// WAV) calls a desk phone (baresip, G.711 only, sending 800 Hz) through Hailing. The browser speaks
// Opus over DTLS-SRTP/ICE, the phone PCMU over plain RTP: Hailing transcodes. Each side must hear
// the other's tone, measured independently: sox on baresip's decoded dump, an AnalyserNode on the
// browser's remote track. The call record names both codecs; hang-up from the browser ends the call.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertTone } from './helpers/audio.js';
import { chromiumMissing } from './helpers/browser.js';
import { assertRecord, finalCallRecord } from './helpers/cdrs.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startWebRtcRig, type WebRtcRig } from './helpers/webrtc-rig.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const HOLD_MS = 4000;
const BROWSER_HZ = 600;
const PHONE_HZ = 800;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const skip = chromiumMissing();

describe('a WebRTC browser agent and a desk phone call each other through Hailing', { skip: skip ?? false, timeout: 180_000 }, () => {
  let rig: WebRtcRig;
  let server: HailingProcess;

  before(async () => {
    rig = await startWebRtcRig({ extensions: ['1001', '1002', '1003', '1004'], browserHz: BROWSER_HZ, seconds: 60 });
    ({ server } = rig);
  });

  after(async () => {
    await rig?.close();
  });

  it(`the browser (Opus, ${BROWSER_HZ} Hz) calls baresip (PCMU, ${PHONE_HZ} Hz, auto answer): each hears the other, the browser hangs up`, async () => {
    const phone = await rig.phone({ user: '1002', tone: PHONE_HZ, answerMode: 'auto' });
    const { agent, why } = await rig.agent('1001');
    try {
      await within(agent.call(`sip:1002@${DOMAIN}`), 30_000, 'the call to be confirmed').catch(async (err: unknown) => assert.fail(`${String(err)}\n${await why()}`));
      await phone.waitForEvent({ type: 'CALL_ESTABLISHED' });
      await sleep(HOLD_MS);

      // What the browser hears: the analyser's peak bin (48000/8192 ≈ 5.9 Hz wide) on 800 Hz within 3 bins
      // in most of ten snapshots; PCMU at 8 kHz upsampled to Opus keeps the tone where it is.
      const peaks = await agent.peakHz();
      const good = peaks.filter((p) => Math.abs(p.hz - PHONE_HZ) <= 18 && p.db > -80);
      assert.ok(good.length >= peaks.length / 2 && peaks.length > 0, `browser peaks: ${JSON.stringify(peaks)}\n${await why()}`);
      const inbound = await agent.inbound();
      const outbound = await agent.outbound();
      assert.ok(inbound && inbound.packetsReceived >= 150 && /opus/i.test(inbound.mimeType), `Chrome inbound-rtp ${JSON.stringify(inbound)}`);
      assert.ok(outbound && outbound.packetsSent >= 150 && /opus/i.test(outbound.mimeType), `Chrome outbound-rtp ${JSON.stringify(outbound)}`);
      assert.equal(await agent.pcState(), 'connected');

      await agent.hangup();
      const cause = await within(agent.ended(), 10_000, 'the browser session to end');
      assert.match(cause, /^ended:local:/);
      await phone.waitForEvent({ type: 'CALL_CLOSED' });
      await phone.stop();

      // What baresip heard, decoded from PCMU: the browser's tone, measured by sox
      const [heard] = phone.decodedDumps();
      assert.ok(heard, 'baresip wrote a decoded dump');
      await assertTone({ file: heard, hz: BROWSER_HZ, minLengthS: 3 });

      // The phone was offered the browser's Opus plus what Hailing transcodes to, over plain RTP
      const offerToPhone = phone.sipTrace().find((m) => m.dst.endsWith(`:${phone.listenPort}`) && /^INVITE /.test(m.startLine));
      assert.ok(offerToPhone, 'baresip received an INVITE');
      assert.match(offerToPhone.body, /^m=audio \d+ RTP\/AVP /m, offerToPhone.body);
      assert.doesNotMatch(offerToPhone.body, /a=(fingerprint|ice-ufrag|candidate)/, 'no WebRTC attributes leak to the phone');

      const cdr = await finalCallRecord({ api: server.api, number: '1001' });
      assertRecord(cdr, { caller: '1001', callee: '1002', disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller', sipStatus: 200 });
      const callerLeg = cdr.legs.find((l) => l.role === 'caller');
      const calleeLeg = cdr.legs.find((l) => l.role === 'callee' && l.answeredAt);
      assert.ok(callerLeg && calleeLeg, JSON.stringify(cdr.legs));
      assert.equal(callerLeg.transport, 'wss');
      assert.match(callerLeg.codec ?? '', /opus/i, JSON.stringify(cdr));
      assert.match(calleeLeg.codec ?? '', /PCMU/i, JSON.stringify(cdr));
      for (const leg of [callerLeg, calleeLeg]) {
        assert.ok(leg.packetsReceived >= 150, `${leg.role} leg received ${leg.packetsReceived} packets`);
        assert.ok(leg.packetsSent >= 150, `${leg.role} leg sent ${leg.packetsSent} packets`);
      }
    } finally {
      await agent.stop().catch(() => {});
      await agent.close();
    }
  });

  // The browser as callee: Hailing must call it with an offer of its own WebRTC endpoint (ICE,
  // DTLS actpass), since what baresip offers (RTP/AVP, G.711) is nothing Chrome can answer.
  it(`baresip (PCMU, ${PHONE_HZ} Hz) calls the browser (auto answer, Opus, ${BROWSER_HZ} Hz): each hears the other, baresip hangs up`, async () => {
    const phone = await rig.phone({ user: '1003', tone: PHONE_HZ, answerMode: 'auto' });
    const { agent, why } = await rig.agent('1004');
    try {
      await agent.autoAnswer(true);
      await phone.dial(`sip:1004@${DOMAIN}`);
      await within(agent.incomingConfirmed(), 30_000, 'the browser to answer').catch(async (err: unknown) => assert.fail(`${String(err)}\n${await why()}`));
      await phone.waitForEvent({ type: 'CALL_ESTABLISHED' });
      await sleep(HOLD_MS);

      const peaks = await agent.peakHz();
      const good = peaks.filter((p) => Math.abs(p.hz - PHONE_HZ) <= 18 && p.db > -80);
      assert.ok(good.length >= peaks.length / 2 && peaks.length > 0, `browser peaks: ${JSON.stringify(peaks)}\n${await why()}`);
      const inbound = await agent.inbound();
      assert.ok(inbound && inbound.packetsReceived >= 150 && /opus/i.test(inbound.mimeType), `Chrome inbound-rtp ${JSON.stringify(inbound)}`);

      await phone.hangup();
      await phone.waitForEvent({ type: 'CALL_CLOSED' });
      const cause = await within(agent.ended(), 10_000, 'the browser session to end');
      assert.match(cause, /^ended:remote:/);
      await phone.stop();

      const [heard] = phone.decodedDumps();
      assert.ok(heard, 'baresip wrote a decoded dump');
      await assertTone({ file: heard, hz: BROWSER_HZ, minLengthS: 3 });

      // what the browser was offered is a WebRTC offer (RFC 8829 §5.2.1), nothing of baresip's transport
      const offerToPhoneAnswer = phone.sipTrace().find((m) => m.dst.endsWith(`:${phone.listenPort}`) && /^SIP\/2\.0 200 /.test(m.startLine) && /INVITE/.test(m.header('cseq') ?? ''));
      assert.ok(offerToPhoneAnswer, 'baresip received a 200 to its INVITE');
      assert.match(offerToPhoneAnswer.body, /^m=audio \d+ RTP\/AVP /m, offerToPhoneAnswer.body);

      const cdr = await finalCallRecord({ api: server.api, number: '1003' });
      assertRecord(cdr, { caller: '1003', callee: '1004', disposition: 'ANSWERED', hangupCause: 'normal-clearing', hangupBy: 'caller', sipStatus: 200 });
      const callerLeg = cdr.legs.find((l) => l.role === 'caller');
      const calleeLeg = cdr.legs.find((l) => l.role === 'callee' && l.answeredAt);
      assert.ok(callerLeg && calleeLeg, JSON.stringify(cdr.legs));
      assert.equal(calleeLeg.transport, 'wss');
      assert.match(callerLeg.codec ?? '', /PCMU/i, JSON.stringify(cdr));
      assert.match(calleeLeg.codec ?? '', /opus/i, JSON.stringify(cdr));
    } finally {
      await agent.stop().catch(() => {});
      await agent.close();
    }
  });
});
