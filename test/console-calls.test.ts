// The console's live calls and music-on-hold screens (issue 12) in Debian Chromium against the real
// process: a WAV file uploaded through the music-on-hold screen is listed (converted to 8 kHz by the
// server), and a live call between two baresip phones shows up on the live calls screen without a
// reload, is held and resumed from its buttons (the API's list agrees), and is hung up from there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { confirmPopover, pageTitle, signInAsAdmin } from './helpers/console-page.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WAIT = 90_000;
type Live = { id: string; caller: string; held: boolean };

describe('console: live calls and music on hold', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let chrome: ChromiumSession;
  let page: Page;
  let work: string;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(['1001', '1002']);
    work = mkdtempSync(path.join(tmpdir(), 'hailing-console-calls-'));
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    await signInAsAdmin(page, rig.server);
    await page.locator('.ant-layout-sider, nav').first().waitFor();
  });

  after(async () => {
    await chrome?.close();
    await rig?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('uploads a 44.1 kHz stereo WAV on the music-on-hold screen; the list shows it after the melody', async () => {
    const file = path.join(work, 'console-tone.wav');
    execFileSync('sox', ['-n', '-r', '44100', '-c', '2', '-b', '16', file, 'synth', '3', 'sine', '600', 'vol', '0.5']);
    await page.goto(`${rig.server.baseUrl}/moh`);
    await pageTitle(page, 'Music on hold');
    await page.getByTestId('moh-table').getByText('hailing-melody.wav').waitFor();
    await page.getByTestId('moh-file').setInputFiles(file);
    await page.getByTestId('moh-table').getByText('console-tone.wav').waitFor();
    await page.getByTestId('moh-table').getByText('3.0 s').waitFor();
  });

  it('a live call appears without a reload, is held and resumed from its row, and is hung up from there', async () => {
    await page.goto(`${rig.server.baseUrl}/calls`);
    await pageTitle(page, 'Live calls');
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    const b = await rig.phone('1002', { tone: 800, answerMode: 'auto' });
    await a.dial('sip:1002@127.0.0.1');
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    const table = page.getByTestId('live-calls-table');
    await table.getByText('Talking').waitFor();
    const listed = async () => (await rig.server.api<{ items: Live[] }>('GET', '/api/v1/calls')).body.items.find((c) => c.caller === '1001');

    await page.getByTestId('hold-1001').click();
    await table.getByText('Held by Hailing').waitFor();
    assert.equal((await listed())?.held, true, 'the API says the call is held');
    await page.getByTestId('resume-1001').click();
    await page.getByTestId('hold-1001').waitFor();
    assert.equal((await listed())?.held, false, 'the API says the call is resumed');

    await confirmPopover(page, { trigger: page.getByTestId('hangup-1001'), button: 'OK', done: page.getByTestId('hangup-1001'), doneState: 'detached' });
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 30_000 });
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 30_000 });
    await page.getByTestId('hangup-1001').waitFor({ state: 'detached' });
    assert.equal(await listed(), undefined, 'the call is gone from the list');
  });
});
