// What every browser-agent test starts with: Hailing (JsSIP and baresip offered MD5 alone), a few
// extensions, headless Chromium whose fake microphone plays a tone WAV, and the JsSIP test page;
// then registered baresip phones and registered agent pages.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { registeredPhone, stopPhones, type Phone } from './baresip.js';
import { launchChromium, makeToneWav, type ChromiumSession } from './browser.js';
import { startHailing, type HailingProcess } from './hailing-process.js';
import { within } from './waiting.js';
import { AgentPage, serveAgentPage, type AgentPageServer } from './webrtc-page.js';

const DOMAIN = '127.0.0.1';

export interface RegisteredAgent {
  readonly agent: AgentPage;
  /** the page's diagnostics and the tail of Hailing's output, for failure messages */
  why(): Promise<string>;
  /** `p` within `ms`, or the test fails naming `what` with why() */
  must<T>(p: Promise<T>, ms: number, what: string): Promise<T>;
}

export interface WebRtcRig {
  readonly server: HailingProcess;
  readonly chrome: ChromiumSession;
  readonly pages: AgentPageServer;
  /** a temporary folder, removed by close() */
  readonly dir: string;
  /** a baresip phone (UDP, SIP trace on) registered as `user` (password secret-<user>); close() stops it */
  phone(o: { readonly user: string; readonly tone: number; readonly answerMode: 'auto' | 'manual' }): Promise<Phone>;
  /** a JsSIP page registered as `user` over WSS; the caller stops and closes it */
  agent(user: string): Promise<RegisteredAgent>;
  close(): Promise<void>;
}

export async function startWebRtcRig(o: { readonly extensions: readonly string[]; readonly browserHz: number; readonly seconds: number }): Promise<WebRtcRig> {
  // JsSIP 3.x reads only the first challenge and aborts unless it is MD5 (DigestAuthentication.js):
  // it must be offered MD5 alone, as libre 1.x is (RFC 8760 §2.4 lets a server offer several).
  const server = await startHailing({ env: { HAILING_DIGEST_MD5_ONLY_USER_AGENTS: 'baresip v0.,baresip v1.,JsSIP' } });
  for (const n of o.extensions) {
    const r = await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}`, displayName: `Agent ${n}` });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'hailing-webrtc-'));
  const wav = path.join(dir, `tone${o.browserHz}.wav`);
  await makeToneWav({ file: wav, hz: o.browserHz, seconds: o.seconds });
  const pages = await serveAgentPage();
  const chrome = await launchChromium({ fakeAudioFile: wav });
  const phones: Phone[] = [];
  return {
    server,
    chrome,
    pages,
    dir,
    async phone({ user, tone, answerMode }) {
      return registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone, answerMode, sipTrace: true }, phones);
    },
    async agent(user) {
      const agent = await AgentPage.open({ newPage: () => chrome.newPage(), url: pages.url });
      const why = async () => `${await agent.diagnostics()}\nhailing output (tail):\n${server.output().slice(-6000)}`;
      const must = <T>(p: Promise<T>, ms: number, what: string): Promise<T> => within(p, ms, what).catch(async (err: unknown) => assert.fail(`${String(err)}\n${await why()}`));
      try {
        await must(agent.register({ wsUrl: `wss://127.0.0.1:${server.ports.wss}`, uri: `sip:${user}@${DOMAIN}`, password: `secret-${user}` }), 15_000, 'JsSIP registration over WSS');
      } catch (err) {
        await agent.close().catch(() => {});
        throw err;
      }
      return { agent, why, must };
    },
    async close() {
      await stopPhones(phones);
      await chrome.close();
      await pages.close();
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
