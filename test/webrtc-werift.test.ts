// WebRtcEndpoint (werift) against Chromium, the independent peer: Chrome's offer with its real
// BUNDLE/extmap/ssrc lines, ICE on loopback, DTLS-SRTP both ways, Opus decoded and measured by
// sox on our side and by a WebAudio FFT on Chrome's side. Signalling goes through page.evaluate.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import opus from '@discordjs/opus';
import type { Page } from 'playwright-core';
import { WebRtcEndpoint, type WebRtcState } from '../media/webrtc/index.js';
import { chromiumMissing, launchChromium, makeToneWav, type ChromiumSession } from './helpers/browser.js';
import { jssipBundleSource } from './helpers/jssip-bundle.js';
import { assertTone } from './helpers/audio.js';
import { freePort } from './helpers/ports.js';
import { deferred, within } from './helpers/waiting.js';

const skip = chromiumMissing();

/** What the test page defines (page.evaluate bodies run there, not in Node). */
interface PageGlobals {
  harness: {
    offer(): Promise<string>;
    answer(sdp: string): Promise<void>;
    answerOffer(sdp: string): Promise<string>;
    state(): string;
    peakHz(): Promise<{ hz: number; db: number }[]>;
    inbound(): Promise<{ packetsReceived: number; packetsLost: number; mimeType: string; totalAudioEnergy: number; audioLevel: number } | null>;
  };
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>webrtc</title><script src="/jssip.js"></script>
<script>
window.harness = {
  async offer() {
    const pc = new RTCPeerConnection({ iceServers: [] });
    window.pc = pc;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    for (const t of stream.getTracks()) pc.addTrack(t, stream);
    pc.ontrack = (e) => { window.remote = e.streams[0] || new MediaStream([e.track]); };
    await pc.setLocalDescription(await pc.createOffer());
    // Non-trickle, like JsSIP: the SDP leaves once gathering is complete.
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
    }
    return pc.localDescription.sdp;
  },
  async answerOffer(sdp) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    window.pc = pc;
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: false });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    for (const t of stream.getTracks()) pc.addTrack(t, stream);
    await pc.setLocalDescription(await pc.createAnswer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
    }
    return pc.localDescription.sdp;
  },
  async answer(sdp) { await window.pc.setRemoteDescription({ type: 'answer', sdp }); },
  state() { return window.pc.connectionState; },
  // Peak bin of the remote audio's spectrum, through an AnalyserNode (and an <audio> element:
  // Chrome only pulls remote WebRTC audio into WebAudio while a media element plays it).
  async peakHz() {
    const el = new Audio(); el.srcObject = window.remote; el.muted = true; await el.play().catch(() => {});
    const ctx = new AudioContext({ sampleRate: 48000 }); await ctx.resume();
    const src = ctx.createMediaStreamSource(window.remote);
    const an = ctx.createAnalyser(); an.fftSize = 8192; an.smoothingTimeConstant = 0;
    src.connect(an);
    const bins = new Float32Array(an.frequencyBinCount);
    const peaks = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 150));
      an.getFloatFrequencyData(bins);
      let best = 0; for (let k = 1; k < bins.length; k++) if (bins[k] > bins[best]) best = k;
      peaks.push({ hz: best * ctx.sampleRate / an.fftSize, db: bins[best] });
    }
    return peaks;
  },
  async inbound() {
    const report = await window.pc.getStats();
    let found = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        const codec = report.get(s.codecId);
        found = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, mimeType: codec ? codec.mimeType : '', totalAudioEnergy: s.totalAudioEnergy, audioLevel: s.audioLevel };
      }
    });
    return found;
  },
};
</script>`;

function sox(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sox', args, { timeout: 20_000 }, (err, _o, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve()));
  });
}

interface SendToneOptions {
  ep: WebRtcEndpoint;
  encoder: InstanceType<typeof opus.OpusEncoder>;
  payloadType: number;
  hz: number;
  frames: number;
}

/** A sine as 20 ms Opus frames at 48 kHz, one every 20 ms (real-time pacing, as a phone sends). */
function sendTone(o: SendToneOptions): Promise<void> {
  const frame = Buffer.alloc(960 * 2);
  let phase = 0;
  let seq = 1000;
  let ts = 123456;
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < 960; i++) {
        frame.writeInt16LE(Math.round(12000 * Math.sin(phase)), i * 2);
        phase += (2 * Math.PI * o.hz) / 48000;
      }
      o.ep.sendRtp({ payloadType: o.payloadType, sequenceNumber: seq, timestamp: ts, marker: sent === 0, payload: o.encoder.encode(frame) });
      seq = (seq + 1) & 0xffff;
      ts = (ts + 960) >>> 0;
      if (++sent === o.frames) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

describe('WebRTC endpoint (werift) candidates', () => {
  it('RFC 8839 §5.1: host candidates on the bind address and the public address, ports inside the range', async () => {
    const portMin = await freePort();
    // 198.51.100.0/24 is TEST-NET-2 (RFC 5737): stands for a 1:1 NAT public address.
    const ep = await WebRtcEndpoint.create({ bindAddress: '127.0.0.1', publicAddress: '198.51.100.7', portMin, portMax: portMin + 9 });
    try {
      const offer = await ep.createOffer();
      const cands = ep.stats().localCandidates;
      assert.equal(cands.length, 2, offer);
      const hosts = cands.map((c) => c.split(':')[0]).sort();
      assert.deepEqual(hosts, ['127.0.0.1', '198.51.100.7']);
      for (const c of cands) {
        const port = Number(c.split(':')[1]);
        assert.ok(port >= portMin && port <= portMin + 9, `${c} outside ${portMin}-${portMin + 9}`);
      }
      assert.doesNotMatch(offer, /typ (srflx|relay)/, 'no STUN/TURN server is contacted');
    } finally {
      await ep.close();
    }
  });

  it('refuses a port range werift cannot use, as a WebRtcError', async () => {
    await assert.rejects(WebRtcEndpoint.create({ bindAddress: '127.0.0.1', portMin: 30000, portMax: 30000 }), { name: 'WebRtcError' });
    await assert.rejects(WebRtcEndpoint.create({ bindAddress: 'localhost' }), { name: 'WebRtcError' });
  });
});

describe('WebRTC endpoint (werift) with Chromium', { skip: skip ?? false, timeout: 120_000 }, () => {
  let dir = '';
  let server: Server;
  let baseUrl = '';
  let chrome: ChromiumSession;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hailing-webrtc-'));
    const wav = path.join(dir, 'tone600.wav');
    await makeToneWav({ file: wav, hz: 600, seconds: 30 });
    const jssip = await jssipBundleSource();
    server = createServer((req, res) => {
      if (req.url === '/jssip.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(jssip);
      else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    chrome = await launchChromium({ fakeAudioFile: wav });
  });

  after(async () => {
    await chrome?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function openPage(): Promise<Page> {
    const page = await chrome.newPage();
    await page.goto(baseUrl);
    return page;
  }

  async function endpoint(): Promise<WebRtcEndpoint> {
    const portMin = await freePort();
    return WebRtcEndpoint.create({ bindAddress: '127.0.0.1', portMin, portMax: portMin + 9 });
  }

  it('test page loads the esbuild bundle of JsSIP (global JsSIP.UA)', async () => {
    const page = await openPage();
    assert.equal(await page.evaluate(() => typeof (globalThis as unknown as { JsSIP?: { UA?: unknown } }).JsSIP?.UA), 'function');
    await page.close();
  });

  it("answers Chrome's offer, receives its 600 Hz Opus and sends 1000 Hz Opus Chrome hears", async () => {
    const page = await openPage();
    const ep = await endpoint();
    const connected = deferred<void>();
    ep.onState((s: WebRtcState) => s === 'connected' && connected.resolve());
    const decoder = new opus.OpusEncoder(48000, 1);
    const pcm: Buffer[] = [];
    let opusPackets = 0;
    ep.onRtp((p) => {
      if (p.payloadType !== ep.codecs().opus) return;
      opusPackets++;
      pcm.push(decoder.decode(p.payload));
    });
    try {
      const offer = await page.evaluate(() => (globalThis as unknown as PageGlobals).harness.offer());
      assert.match(offer, /a=group:BUNDLE/);
      const answer = await ep.acceptOffer(offer);
      // Non-trickle answer (RFC 8839 §4.2): all our candidates inside; DTLS role and rtcp-mux (RFC 5763, 5761).
      assert.match(answer, /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/);
      assert.match(answer, /a=setup:(active|passive)/);
      assert.match(answer, /a=rtcp-mux/);
      assert.match(answer, /a=rtpmap:\d+ opus\/48000\/2/i);
      assert.match(answer, /a=sendrecv/);
      const codecs = ep.codecs();
      assert.notEqual(codecs.opus, null);
      await page.evaluate((sdp) => (globalThis as unknown as PageGlobals).harness.answer(sdp), answer);
      await within(connected.promise, 20_000, 'DTLS-SRTP connected');

      // Our side: 1000 Hz as Opus, 20 ms frames, paced in real time for 4 s.
      const encoder = new opus.OpusEncoder(48000, 1);
      const codecPt = codecs.opus ?? 111;
      const sending = sendTone({ ep, encoder, payloadType: codecPt, hz: 1000, frames: 200 });
      await new Promise((r) => setTimeout(r, 1500));
      const peaks = await page.evaluate(() => (globalThis as unknown as PageGlobals).harness.peakHz());
      await sending;
      // Chrome's analyser: bin width 48000/8192 ≈ 5.9 Hz; the peak must sit on 1000 Hz within 3 bins.
      const good = peaks.filter((p) => Math.abs(p.hz - 1000) <= 18 && p.db > -80);
      assert.ok(good.length >= peaks.length / 2, `browser peaks: ${JSON.stringify(peaks)}`);
      const inbound = await page.evaluate(() => (globalThis as unknown as PageGlobals).harness.inbound());
      console.log('chrome inbound-rtp', inbound, 'peaks', peaks);
      assert.ok(inbound && inbound.packetsReceived >= 150 && /opus/i.test(inbound.mimeType), `Chrome inbound-rtp ${JSON.stringify(inbound)}`);

      // Their side: what we decoded, measured by sox.
      assert.ok(opusPackets >= 100, `only ${opusPackets} Opus packets from Chrome`);
      const raw = path.join(dir, 'from-chrome.raw');
      const wav = path.join(dir, 'from-chrome.wav');
      await writeFile(raw, Buffer.concat(pcm));
      await sox(['-r', '48000', '-b', '16', '-e', 'signed-integer', '-c', '1', '-t', 'raw', raw, wav]);
      await assertTone({ file: wav, hz: 600, minLengthS: 2 });
      // Chrome offers telephone-event/48000 (RFC 4733); werift kept it in the answer.
      assert.notEqual(codecs.telephoneEvent, null);
      const st = ep.stats();
      assert.equal(st.state, 'connected');
      assert.ok(st.packetsSent === 200 && st.packetsReceived >= 100, JSON.stringify(st));
    } finally {
      await ep.close();
      await page.close();
    }
  });

  it('offers to Chrome (we call the browser), Chrome answers, its 600 Hz reaches us', async () => {
    const page = await openPage();
    const ep = await endpoint();
    const connected = deferred<void>();
    ep.onState((s) => s === 'connected' && connected.resolve());
    const decoder = new opus.OpusEncoder(48000, 1);
    const pcm: Buffer[] = [];
    const enough = deferred<void>();
    ep.onRtp((p) => {
      if (p.payloadType !== ep.codecs().opus) return;
      pcm.push(decoder.decode(p.payload));
      if (pcm.length === 150) enough.resolve();
    });
    try {
      const offer = await ep.createOffer();
      // RFC 5763 §5: the offerer says actpass; RFC 4733 telephone-event offered beside Opus.
      assert.match(offer, /a=setup:actpass/);
      assert.match(offer, /a=rtpmap:111 opus\/48000\/2/i);
      assert.match(offer, /a=fmtp:111 .*useinbandfec=1/);
      assert.match(offer, /a=rtpmap:110 telephone-event\/48000/i);
      const answer = await page.evaluate((sdp) => (globalThis as unknown as PageGlobals).harness.answerOffer(sdp), offer);
      await ep.acceptAnswer(answer);
      await within(connected.promise, 20_000, 'DTLS-SRTP connected');
      await within(enough.promise, 20_000, '3 s of Opus from Chrome');
      const raw = path.join(dir, 'answerer.raw');
      const wav = path.join(dir, 'answerer.wav');
      await writeFile(raw, Buffer.concat(pcm));
      await sox(['-r', '48000', '-b', '16', '-e', 'signed-integer', '-c', '1', '-t', 'raw', raw, wav]);
      await assertTone({ file: wav, hz: 600, minLengthS: 2 });
      assert.equal(await page.evaluate(() => (globalThis as unknown as PageGlobals).harness.state()), 'connected');
    } finally {
      await ep.close();
      await page.close();
    }
  });

  it('RFC 5763 §5: an offer whose fingerprint does not match the certificate never delivers media', async () => {
    const page = await openPage();
    const ep = await endpoint();
    const failed = deferred<void>();
    ep.onState((s) => s === 'failed' && failed.resolve());
    let rtp = 0;
    ep.onRtp(() => rtp++);
    try {
      const offer = await page.evaluate(() => (globalThis as unknown as PageGlobals).harness.offer());
      // Flip the first hex digit of Chrome's certificate fingerprint.
      const forged = offer.replace(/(a=fingerprint:sha-256 )([0-9A-F])/i, (_m, p: string, d: string) => p + (d.toUpperCase() === 'A' ? 'B' : 'A'));
      assert.notEqual(forged, offer);
      const answer = await ep.acceptOffer(forged);
      await page.evaluate((sdp) => (globalThis as unknown as PageGlobals).harness.answer(sdp), answer);
      await within(failed.promise, 20_000, "werift's DTLS to fail on the fingerprint");
      assert.equal(rtp, 0);
      assert.equal(ep.stats().packetsReceived, 0);
      ep.sendRtp({ payloadType: ep.codecs().opus ?? 111, sequenceNumber: 1, timestamp: 0, marker: true, payload: Buffer.alloc(3) });
      assert.equal(ep.stats().packetsSent, 0, 'nothing leaves a failed endpoint');
    } finally {
      await ep.close();
      await page.close();
    }
  });
});
