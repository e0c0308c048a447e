// Acceptance: an extension registered twice, by a desk phone over UDP and by a browser over WSS
// (RFC 7118), is called by another desk phone. Each fork must be offered what it can answer: the
// browser a WebRTC offer (ICE, DTLS-SRTP, Opus), the phone plain RTP; whichever answers keeps its
// media. Audio is measured both ways each time: sox on baresip's decoded dumps, an AnalyserNode on
// the browser's remote track.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Phone } from './helpers/baresip.js';
import { assertTone } from './helpers/audio.js';
import { chromiumMissing } from './helpers/browser.js';
import type { AgentPage } from './helpers/webrtc-page.js';
import { startWebRtcRig, type WebRtcRig } from './helpers/webrtc-rig.js';
import { within } from './helpers/waiting.js';

const DOMAIN = '127.0.0.1';
const TALK_MS = 4000;
const BROWSER_HZ = 600;
const CALLER_HZ = 800;
const DESK_HZ = 400;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const skip = chromiumMissing();

describe('a callee registered by a browser (WSS) and a desk phone (UDP)', { skip: skip ?? false, timeout: 180_000 }, () => {
  let rig: WebRtcRig;
  let caller: Phone;
  let desk: Phone;
  let agent: AgentPage;
  let why: () => Promise<string>;

  before(async () => {
    rig = await startWebRtcRig({ extensions: ['1001', '1002'], browserHz: BROWSER_HZ, seconds: 90 });
    caller = await rig.phone({ user: '1001', tone: CALLER_HZ, answerMode: 'auto' });
    desk = await rig.phone({ user: '1002', tone: DESK_HZ, answerMode: 'manual' });
    ({ agent, why } = await rig.agent('1002'));
  });

  after(async () => {
    await agent?.stop().catch(() => {});
    await agent?.close().catch(() => {});
    await rig?.close();
  });

  /** the browser hears `hz`: its analyser's peak bin within 3 bins in most of ten snapshots */
  const browserHears = async (hz: number) => {
    const peaks = await agent.peakHz();
    const good = peaks.filter((p) => Math.abs(p.hz - hz) <= 18 && p.db > -80);
    assert.ok(good.length >= peaks.length / 2 && peaks.length > 0, `browser peaks: ${JSON.stringify(peaks)}\n${await why()}`);
  };

  it('the browser answers: it was offered WebRTC, the phone plain RTP, and the browser and the caller hear each other', async () => {
    await agent.autoAnswer(true);
    const since = desk.events.length;
    const dumps = caller.decodedDumps().length;
    await caller.dial(`sip:1002@${DOMAIN}`);
    await within(agent.incomingConfirmed(), 30_000, 'the browser to answer').catch(async (err: unknown) => assert.fail(`${String(err)}\n${await why()}`));
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED' });
    // the desk phone's fork rang and was cancelled (RFC 3261 §16.7 step 10 for a B2BUA's forks)
    await desk.waitForEvent({ type: 'CALL_CLOSED', since });
    const toDesk = desk.sipTrace().find((m) => m.dst.endsWith(`:${desk.listenPort}`) && /^INVITE /.test(m.startLine));
    assert.ok(toDesk, 'the desk phone got an INVITE');
    assert.match(toDesk.body, /^m=audio \d+ RTP\/AVP /m, toDesk.body);
    assert.doesNotMatch(toDesk.body, /a=(fingerprint|ice-ufrag|candidate)/, 'no WebRTC attributes in the phone fork');
    await sleep(TALK_MS);
    await browserHears(CALLER_HZ);
    assert.equal(await agent.pcState(), 'connected');
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    assert.match(await within(agent.ended(), 10_000, 'the browser session to end'), /^ended:remote:/);
    const heard = caller.decodedDumps()[dumps];
    assert.ok(heard, 'the caller wrote a decoded dump');
    await assertTone({ file: heard, hz: BROWSER_HZ, minLengthS: 3 });
  });

  it('the desk phone answers: the browser fork is cancelled, and the desk phone and the caller hear each other', async () => {
    await agent.autoAnswer(false);
    const since = desk.events.length;
    const callerSince = caller.events.length;
    const dumps = { caller: caller.decodedDumps().length, desk: desk.decodedDumps().length };
    await caller.dial(`sip:1002@${DOMAIN}`);
    await desk.waitForEvent({ type: 'CALL_INCOMING', since });
    await desk.answer();
    await desk.waitForEvent({ type: 'CALL_ESTABLISHED', since });
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', since: callerSince });
    // the browser's fork was offered WebRTC and is cancelled once the phone answered
    assert.match(await within(agent.ended(), 10_000, 'the browser fork to be cancelled'), /^failed:remote:/);
    await sleep(TALK_MS);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED', since: callerSince });
    await desk.waitForEvent({ type: 'CALL_CLOSED', since });
    const callerHeard = caller.decodedDumps()[dumps.caller];
    const deskHeard = desk.decodedDumps()[dumps.desk];
    assert.ok(callerHeard && deskHeard, `decoded dumps: caller ${caller.decodedDumps().join(', ')}, desk ${desk.decodedDumps().join(', ')}`);
    await assertTone({ file: callerHeard, hz: DESK_HZ, minLengthS: 3 });
    await assertTone({ file: deskHeard, hz: CALLER_HZ, minLengthS: 3 });
  });
});
