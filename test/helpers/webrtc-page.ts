// A browser agent for the acceptance tests: a test page served from loopback that loads the esbuild
// bundle of JsSIP and drives a JsSIP UA (registration over WSS, outgoing and incoming calls), the
// way an agent console does. Node drives it through `page.evaluate` with the typed calls below;
// the page measures what it hears with an AnalyserNode and reports Chrome's own RTP statistics.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { jssipBundleSource } from './jssip-bundle.js';

export interface RegisterParams {
  /** wss://127.0.0.1:<port> */
  wsUrl: string;
  /** sip:1001@domain */
  uri: string;
  password: string;
}

export interface PeakBin {
  hz: number;
  db: number;
}

export interface InboundAudio {
  packetsReceived: number;
  packetsLost: number;
  mimeType: string;
  totalAudioEnergy: number;
}

export interface OutboundAudio {
  packetsSent: number;
  mimeType: string;
}

/** What the page defines (bodies run in Chromium, not in Node). */
export interface AgentHarness {
  /** resolves on 'registered', rejects with the cause on 'registrationFailed' */
  register(p: RegisterParams): Promise<void>;
  /** starts a call; resolves on 'confirmed' (ACK sent), rejects on 'failed' with the cause */
  call(target: string): Promise<void>;
  /** a remote call is answered at once when it arrives (auto-answer) */
  autoAnswer(on: boolean): void;
  /** resolves once an incoming call (autoAnswer on) reaches 'confirmed' */
  incomingConfirmed(): Promise<void>;
  hangup(): void;
  /** resolves with the cause once the current session ended (BYE either way) or failed */
  ended(): Promise<string>;
  /** ten peak bins of the remote audio's spectrum, 150 ms apart */
  peakHz(): Promise<PeakBin[]>;
  inbound(): Promise<InboundAudio | null>;
  outbound(): Promise<OutboundAudio | null>;
  /** 'connected' etc. of the session's RTCPeerConnection, or 'none' */
  pcState(): string;
  /** the SDP the page sent and received, for diagnostics */
  sdp(): { local: string; remote: string };
  /** session.hold()/unhold(): resolves once the re-INVITE got its 2xx and the answer is applied */
  hold(on: boolean): Promise<void>;
  /** JsSIP's 'hold'/'unhold' events so far, as 'hold:local', 'unhold:remote', ... */
  holds(): string[];
  /** JsSIP's notable events and errors, in order, for diagnostics */
  log(): string[];
  stop(): Promise<void>;
}

type G = { harness: AgentHarness };

const PAGE = `<!doctype html><meta charset="utf-8"><title>agent</title><script src="/jssip.js"></script>
<script>
const events = [];
const note = (s) => events.push(new Date().toISOString().slice(11, 23) + ' ' + s);
let ua = null;
let session = null;
let remote = null;
let auto = false;
let endedWaiters = [];
let endedCause = null;
let incomingWaiters = [];
let holds = [];

function watchSession(s) {
  session = s;
  endedCause = null;
  s.on('peerconnection', (e) => {
    note('peerconnection');
    e.peerconnection.addEventListener('track', (t) => { remote = t.streams[0] || new MediaStream([t.track]); note('remote track'); });
  });
  s.on('progress', (e) => note('progress ' + (e.response ? e.response.status_code : '')));
  s.on('accepted', () => note('accepted'));
  s.on('confirmed', () => { note('confirmed'); for (const w of incomingWaiters) w(); incomingWaiters = []; });
  const finish = (what) => (e) => {
    endedCause = what + ':' + e.originator + ':' + e.cause;
    note(endedCause);
    for (const w of endedWaiters) w(endedCause);
    endedWaiters = [];
  };
  s.on('hold', (e) => { holds.push('hold:' + e.originator); note('hold ' + e.originator); });
  s.on('unhold', (e) => { holds.push('unhold:' + e.originator); note('unhold ' + e.originator); });
  s.on('ended', finish('ended'));
  s.on('failed', finish('failed'));
  // Chrome has the remote track once the answer is applied; JsSIP also exposes the receivers
  s.on('confirmed', () => {
    const pc = s.connection;
    if (!remote && pc) {
      const tracks = pc.getReceivers().map((r) => r.track).filter(Boolean);
      if (tracks.length) remote = new MediaStream(tracks);
    }
  });
}

window.harness = {
  register({ wsUrl, uri, password }) {
    JsSIP.debug.disable('JsSIP:*');
    const socket = new JsSIP.WebSocketInterface(wsUrl);
    ua = new JsSIP.UA({ sockets: [socket], uri, password, register: true, session_timers: false });
    ua.on('newRTCSession', (e) => {
      note('newRTCSession ' + e.originator);
      if (e.originator === 'remote') {
        watchSession(e.session);
        if (auto) e.session.answer({ mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] } });
      }
    });
    ua.on('connected', () => note('ws connected'));
    ua.on('disconnected', (e) => note('ws disconnected ' + (e && e.reason)));
    return new Promise((resolve, reject) => {
      ua.on('registered', () => { note('registered'); resolve(); });
      ua.on('registrationFailed', (e) => { note('registrationFailed ' + e.cause); reject(new Error('registration failed: ' + e.cause + ' ' + (e.response ? e.response.status_code : ''))); });
      ua.start();
    });
  },
  call(target) {
    return new Promise((resolve, reject) => {
      const s = ua.call(target, { mediaConstraints: { audio: true, video: false }, pcConfig: { iceServers: [] }, rtcOfferConstraints: { offerToReceiveAudio: true } });
      watchSession(s);
      s.on('confirmed', () => resolve());
      s.on('failed', (e) => reject(new Error('call failed: ' + e.originator + ' ' + e.cause + ' ' + (e.message && e.message.status_code || ''))));
    });
  },
  autoAnswer(on) { auto = on; },
  incomingConfirmed() {
    if (session && session.isEstablished()) return Promise.resolve();
    return new Promise((r) => incomingWaiters.push(r));
  },
  hangup() { if (session) session.terminate(); },
  ended() { return endedCause !== null ? Promise.resolve(endedCause) : new Promise((r) => endedWaiters.push(r)); },
  // Chrome only pulls remote WebRTC audio into WebAudio while a media element plays it
  async peakHz() {
    if (!remote) return [];
    const el = new Audio(); el.srcObject = remote; el.muted = true; await el.play().catch(() => {});
    const ctx = new AudioContext({ sampleRate: 48000 }); await ctx.resume();
    const src = ctx.createMediaStreamSource(remote);
    const an = ctx.createAnalyser(); an.fftSize = 8192; an.smoothingTimeConstant = 0;
    src.connect(an);
    const bins = new Float32Array(an.frequencyBinCount);
    const peaks = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 150));
      an.getFloatFrequencyData(bins);
      let best = 1; for (let k = 2; k < bins.length; k++) if (bins[k] > bins[best]) best = k;
      peaks.push({ hz: best * ctx.sampleRate / an.fftSize, db: bins[best] });
    }
    await ctx.close();
    return peaks;
  },
  async inbound() {
    const pc = session && session.connection; if (!pc) return null;
    const report = await pc.getStats();
    let found = null;
    report.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') {
        const codec = report.get(s.codecId);
        found = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, mimeType: codec ? codec.mimeType : '', totalAudioEnergy: s.totalAudioEnergy };
      }
    });
    return found;
  },
  async outbound() {
    const pc = session && session.connection; if (!pc) return null;
    const report = await pc.getStats();
    let found = null;
    report.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') {
        const codec = report.get(s.codecId);
        found = { packetsSent: s.packetsSent, mimeType: codec ? codec.mimeType : '' };
      }
    });
    return found;
  },
  pcState() { const pc = session && session.connection; return pc ? pc.connectionState : 'none'; },
  sdp() {
    const pc = session && session.connection;
    return { local: pc && pc.localDescription ? pc.localDescription.sdp : '', remote: pc && pc.remoteDescription ? pc.remoteDescription.sdp : '' };
  },
  // JsSIP ends the session ('Hold Failed') when the re-INVITE is refused or its answer unusable
  hold(on) {
    return new Promise((resolve, reject) => {
      if (!session) return reject(new Error('no session'));
      session.once('ended', () => reject(new Error('session ended during ' + (on ? 'hold' : 'unhold'))));
      const started = on ? session.hold({}, () => resolve()) : session.unhold({}, () => resolve());
      if (!started) reject(new Error((on ? 'hold' : 'unhold') + '() refused by JsSIP'));
    });
  },
  holds() { return holds.slice(); },
  log() { return events.slice(); },
  stop() {
    if (!ua) return Promise.resolve();
    return new Promise((r) => { ua.on('disconnected', () => r()); ua.stop(); setTimeout(r, 2000); });
  },
};
</script>`;

export interface AgentPageServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves the agent page and the JsSIP bundle over plain HTTP on loopback: Chrome treats
 * http://127.0.0.1 as a secure context (getUserMedia works) and connects to our WSS itself.
 */
export async function serveAgentPage(): Promise<AgentPageServer> {
  const jssip = await jssipBundleSource();
  const server: Server = createServer((req, res) => {
    if (req.url === '/jssip.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(jssip);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Node's handle on one agent page. Each call is one `page.evaluate` whose body names the page's
 * global directly (a function closed over in Node would not exist in the browser).
 */
export class AgentPage {
  constructor(readonly page: Page) {}

  static async open(o: { newPage: () => Promise<Page>; url: string }): Promise<AgentPage> {
    const page = await o.newPage();
    await page.goto(o.url);
    return new AgentPage(page);
  }

  register(p: RegisterParams): Promise<void> {
    return this.page.evaluate((q) => (globalThis as unknown as G).harness.register(q), p);
  }
  call(target: string): Promise<void> {
    return this.page.evaluate((t) => (globalThis as unknown as G).harness.call(t), target);
  }
  autoAnswer(on: boolean): Promise<void> {
    return this.page.evaluate((v) => (globalThis as unknown as G).harness.autoAnswer(v), on);
  }
  incomingConfirmed(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.incomingConfirmed());
  }
  hangup(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.hangup());
  }
  ended(): Promise<string> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.ended());
  }
  peakHz(): Promise<PeakBin[]> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.peakHz());
  }
  inbound(): Promise<InboundAudio | null> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.inbound());
  }
  outbound(): Promise<OutboundAudio | null> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.outbound());
  }
  pcState(): Promise<string> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.pcState());
  }
  hold(on: boolean): Promise<void> {
    return this.page.evaluate((v) => (globalThis as unknown as G).harness.hold(v), on);
  }
  holds(): Promise<string[]> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.holds());
  }
  /** the SDP the page's RTCPeerConnection last applied each way */
  sdp(): Promise<{ local: string; remote: string }> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.sdp());
  }
  stop(): Promise<void> {
    return this.page.evaluate(() => (globalThis as unknown as G).harness.stop());
  }

  /** JsSIP's events and both SDPs, for assertion messages */
  async diagnostics(): Promise<string> {
    try {
      const log = await this.page.evaluate(() => (globalThis as unknown as G).harness.log());
      const sdp = await this.page.evaluate(() => (globalThis as unknown as G).harness.sdp());
      return `page events:\n${log.join('\n')}\nlocal SDP:\n${sdp.local}\nremote SDP:\n${sdp.remote}`;
    } catch (err) {
      return `page diagnostics unavailable: ${String(err)}`;
    }
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
