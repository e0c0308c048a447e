// What every browser-agent test starts with: Hailing (JsSIP and baresip offered MD5 alone), a few
// extensions, headless Chromium whose fake microphone plays a tone WAV, and the JsSIP test page.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchChromium, makeToneWav, type ChromiumSession } from './browser.js';
import { startHailing, type HailingProcess } from './hailing-process.js';
import { serveAgentPage, type AgentPageServer } from './webrtc-page.js';

export interface WebRtcRig {
  readonly server: HailingProcess;
  readonly chrome: ChromiumSession;
  readonly pages: AgentPageServer;
  /** a temporary folder, removed by close() */
  readonly dir: string;
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
  return {
    server,
    chrome,
    pages,
    dir,
    async close() {
      await chrome.close();
      await pages.close();
      await server.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
