// Debian Chromium driven by playwright-core, as the independent WebRTC peer (a browser agent).
// Fake microphone: a sox-made tone WAV that Chrome loops; fake permission prompt; fresh profile.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_INSTALL = 'apt-get install -y chromium';

/** The reason to skip when Chromium is missing, or null when it is there. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} missing: ${CHROMIUM_INSTALL}`;
}

function sox(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('sox', args, { timeout: 20_000 }, (err, _out, stderr) => {
      if (err) reject(new Error(`sox ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve();
    });
  });
}

export interface ToneWavOptions {
  file: string;
  hz: number;
  seconds?: number;
}

/** A 48 kHz mono 16-bit sine WAV (the format Chrome's fake capture reads), -6 dBFS. */
export async function makeToneWav(o: ToneWavOptions): Promise<void> {
  await sox(['-n', '-r', '48000', '-b', '16', '-e', 'signed-integer', '-c', '1', o.file, 'synth', String(o.seconds ?? 30), 'sine', String(o.hz), 'vol', '0.5']);
}

export interface BrowserOptions {
  /** the WAV Chrome plays as its microphone; without it, no fake media devices */
  fakeAudioFile?: string;
  /** the browser's preferred languages (navigator.languages), e.g. zh-TW */
  locale?: string;
}

export interface ChromiumSession {
  readonly browser: Browser;
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(o: BrowserOptions): Promise<ChromiumSession> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'hailing-chromium-'));
  const args = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    ...(o.fakeAudioFile !== undefined
      ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${o.fakeAudioFile}`]
      : []),
    // our WSS listener uses a self-signed certificate
    '--ignore-certificate-errors',
    // Without a user gesture Chrome starts the AudioContext suspended; the tests analyse remote audio.
    '--autoplay-policy=no-user-gesture-required',
  ];
  // A persistent context is the only way to give playwright a fresh user-data-dir of our own.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    ignoreHTTPSErrors: true,
    timeout: 30_000,
    ...(o.locale !== undefined ? { locale: o.locale } : {}),
  });
  const browser = context.browser();
  let closed = false;
  return {
    get browser(): Browser {
      if (!browser) throw new Error('persistent context has no Browser object');
      return browser;
    },
    context,
    newPage: () => context.newPage(),
    async close() {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
      await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
    },
  };
}
