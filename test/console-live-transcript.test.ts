// The live calls screen's live transcript (issues 13, 16) in Debian Chromium against the real
// process with HAILING_LIVE_TRANSCRIBE=1 and the fixture digit recogniser: baresip 1001 plays digit
// strings spoken by espeak-ng into a call to baresip 1002, which sends silence. The admin opens the
// call's transcript on the live calls screen; the caller's finals appear there while the call goes
// on, without a reload, and after the hang-up they are the live segments GET
// /api/v1/cdrs/{id}/transcript returns for the caller, in order; the silent callee's leg shows none.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { pageTitle, signInAsAdmin } from './helpers/console-page.js';
import { silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';
import { finalCallRecord } from './helpers/cdrs.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const SPOKEN = [
  { voice: 'en-us+f4', digits: '4 8 2 1 5' },
  { voice: 'en-gb-scotland+m3', digits: '6 2 7 3 1' },
];
const WAIT = 90_000;
const DOMAIN = '127.0.0.1';

describe('console: live transcripts on the live calls screen', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let chrome: ChromiumSession;
  let page: Page;
  let work: string;
  const phones: Phone[] = [];

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(['1001', '1002'], { HAILING_LIVE_TRANSCRIBE: '1', HAILING_TRANSCRIBE_MODEL: MODEL });
    work = mkdtempSync(path.join(tmpdir(), 'hailing-console-live-transcript-'));
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    await signInAsAdmin(page, rig.server);
    await page.locator('.ant-layout-sider, nav').first().waitFor();
  });

  after(async () => {
    await stopPhones(phones);
    await chrome?.close();
    await rig?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("the caller's spoken digits appear as it speaks and match the stored live segments afterwards", async (t) => {
    await page.goto(`${rig.server.baseUrl}/calls`);
    await pageTitle(page, 'Live calls');
    const spoken = spokenDigitsWav({ dir: work, utterances: SPOKEN });
    const phone = (user: string, audioFile: string) =>
      registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, transport: 'udp', audioFile, answerMode: 'auto' }, phones);
    const a = await phone('1001', spoken.file);
    await phone('1002', silentWav({ dir: work, seconds: spoken.seconds + 10 }));
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    const table = page.getByTestId('live-calls-table');
    await table.getByText('Talking').waitFor();
    await page.getByTestId('transcript-1001').click();
    const caller = page.getByTestId('live-transcript-caller');
    await caller.waitFor();
    // each utterance's final, while the call is still up (the page was not reloaded)
    const finals = caller.getByTestId('live-final-caller');
    await finals.nth(SPOKEN.length - 1).waitFor({ timeout: spoken.seconds * 1000 + 30_000 });
    const shown = await finals.allTextContents();
    const stillUp = (await rig.server.api<{ items: { caller: string }[] }>('GET', '/api/v1/calls')).body.items.some((c) => c.caller === '1001');
    assert.ok(stillUp, 'the finals were shown while the call went on');
    const callee = await page.getByTestId('live-transcript-callee').getByTestId('live-final-callee').count();
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });

    const record = await finalCallRecord({ api: rig.server.api, number: '1001', ms: 15_000 });
    // each final is stored as it is published, through the database's write queue: on a loaded
    // machine the last one shown can still be queued when the call's record is final
    type Stored = { segments: { speaker: string; text: string; source: string; startMs: number }[] };
    const liveOf = (s: Stored) => s.segments.filter((x) => x.source === 'live' && x.speaker === 'caller').sort((x, y) => x.startMs - y.startMs);
    let stored = await rig.server.api<Stored>('GET', `/api/v1/cdrs/${record.id}/transcript`);
    for (let i = 0; i < 100 && stored.status === 200 && liveOf(stored.body).length < shown.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stored = await rig.server.api<Stored>('GET', `/api/v1/cdrs/${record.id}/transcript`);
    }
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    const live = liveOf(stored.body);
    t.diagnostic(`spoken ${SPOKEN.map((u) => u.digits.replace(/ /g, '')).join(' / ')}; shown ${shown.join(' / ')}; stored ${live.map((s) => s.text).join(' / ')}`);
    assert.equal(shown.length, SPOKEN.length, shown.join(' / '));
    assert.ok(shown.every((x) => /^[0-9]+$/.test(x)), `digits shown: ${shown.join(' / ')}`);
    assert.deepEqual(shown, live.map((s) => s.text));
    assert.equal(callee, 0, 'the silent callee has no lines');
  });
});
