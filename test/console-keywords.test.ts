// The console's Keywords screen and keyword hits (issues 13 and 16), in Debian Chromium against the
// real process with live transcription on the fixture streaming transducer (digits-transducer):
// - the admin makes a list in words ("four eight", "cancel"): the server refuses "cancel" (the digit
//   model has no token for 'c') and the reason shows under the phrases field; with "five five five"
//   instead it is saved and listed; a second list is made, edited and deleted;
// - baresip 1001 speaks digit strings (the first holds 4 8) into a call to baresip 1002 (silence):
//   the hit appears on the live calls screen while the call goes on (on the call's row, and in its
//   live transcript); after the hang-up the call
//   record (opened at /cdrs/<id>) shows the stored hit beside its transcript, and the Keywords
//   screen's search finds the call.
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
import { confirmPopover, fieldError, saveDialog, fill, keysOf, locale, pageTitle, rawKeysShown, screenshot, signInAsAdmin, text } from './helpers/console-page.js';
import { SPOKEN_DIGITS, silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';
import { finalCallRecord } from './helpers/cdrs.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-transducer', import.meta.url));
const WAIT = 90_000;
const DOMAIN = '127.0.0.1';

describe('console: keyword lists and keyword hits', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let chrome: ChromiumSession;
  let page: Page;
  let work: string;
  /** the call of the second test, with its stored hit */
  let callId: string | undefined;
  const phones: Phone[] = [];

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(['1001', '1002'], { HAILING_LIVE_TRANSCRIBE: '1', HAILING_LIVE_TRANSCRIBE_MODEL: MODEL });
    work = mkdtempSync(path.join(tmpdir(), 'hailing-console-keywords-'));
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

  /** a save the server is expected to refuse (the dialog stays open) */
  const clickSave = () => page.locator('.ant-modal').getByRole('button', { name: 'Save' }).click();
  /** a save that must go through: retried until the dialog closes, or the refusal named */
  const save = () => saveDialog(page, 'Save');

  it('a list in words: an unspellable phrase is refused under the field; saved, edited and deleted', async () => {
    await page.goto(`${rig.server.baseUrl}/keywords`);
    await pageTitle(page, 'Keywords');
    await page.getByTestId('keyword-list-new').click();
    await fill(page, { name: 'fraud', phrases: 'four eight\ncancel', numbers: '1002' });
    await clickSave();
    const refusal = await fieldError(page, 'phrases');
    assert.match(refusal, /'cancel' cannot be spelled in the tokens of model 'digits-transducer': it has no token for 'c'/);
    await fill(page, { phrases: 'four eight\nfive five five' });
    await save();
    const row = page.locator('tr', { hasText: 'fraud' });
    await row.getByText('four eight').waitFor();
    await row.getByText('five five five').waitFor();
    await row.getByText('1002').waitFor();

    // a second list: made, edited (renamed, every call), deleted
    await page.getByTestId('keyword-list-new').click();
    await fill(page, { name: 'spare', phrases: '99' });
    await save();
    await page.locator('tr', { hasText: 'spare' }).getByRole('button', { name: 'Edit' }).click();
    await fill(page, { name: 'spare two', phrases: '99\nseven' });
    await save();
    const spare = page.locator('tr', { hasText: 'spare two' });
    await spare.getByText('seven').waitFor();
    await spare.getByText('Every call').waitFor();
    await confirmPopover(page, { trigger: spare.getByRole('button', { name: 'Delete' }), button: 'Delete', done: spare, doneState: 'detached' });
    const lists = await rig.server.api<{ items: { name: string; phrases: string[]; numbers: string[] }[] }>('GET', '/api/v1/keyword-lists');
    assert.deepEqual(lists.body.items.map((l) => [l.name, l.phrases, l.numbers]), [['fraud', ['four eight', 'five five five'], ['1002']]]);
  });

  it('a hit shows live on the live calls screen, then stored on the call record, and the search finds the call', async (t) => {
    await page.goto(`${rig.server.baseUrl}/calls`);
    await pageTitle(page, 'Live calls');
    const spoken = spokenDigitsWav({ dir: work, utterances: SPOKEN_DIGITS });
    const phone = (user: string, audioFile: string) =>
      registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: rig.server.ports.sip }, transport: 'udp', audioFile, answerMode: 'auto' }, phones);
    const a = await phone('1001', spoken.file);
    await phone('1002', silentWav({ dir: work, seconds: spoken.seconds + 10 }));
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await page.getByTestId('live-calls-table').getByText('Talking').waitFor();
    // the call's row shows the hit without being opened, then its live transcript lists it with its time
    await page.getByTestId('row-keyword-1001').getByText('four eight').waitFor({ timeout: spoken.seconds * 1000 + 30_000 });
    await page.getByTestId('transcript-1001').click();
    const live = page.getByTestId('live-keyword-caller');
    await live.first().waitFor();
    const liveText = await live.allTextContents();
    const stillUp = (await rig.server.api<{ items: { caller: string }[] }>('GET', '/api/v1/calls')).body.items.some((c) => c.caller === '1001');
    assert.ok(stillUp, 'the hit was shown while the call went on');
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    t.diagnostic(`live: ${liveText.join(' | ')}`);
    assert.deepEqual(liveText.map((x) => x.replace(/^\S+ /, '')), ['four eight']);

    const record = await finalCallRecord({ api: rig.server.api, number: '1001', ms: 15_000 });
    callId = record.id;
    const stored = await rig.server.api<{ items: { keyword: string; list: string }[] }>('GET', `/api/v1/cdrs/${record.id}/keyword-hits`);
    assert.deepEqual(stored.body.items.map((h) => [h.keyword, h.list]), [['four eight', 'fraud']]);
    await page.goto(`${rig.server.baseUrl}/cdrs/${record.id}`);
    const hits = page.locator('.ant-drawer').getByTestId('keyword-hit');
    await hits.first().waitFor();
    assert.deepEqual(await hits.allTextContents(), ['four eight']);
    await page.locator('.ant-drawer').getByText('fraud, said by the Caller').waitFor();

    await page.goto(`${rig.server.baseUrl}/keywords`);
    await pageTitle(page, 'Keywords');
    await page.getByTestId('hit-keyword').fill('Four Eight');
    await page.getByTestId('hit-search').click();
    const found = page.getByTestId('hits-found');
    await found.getByText('1 hits found').waitFor();
    await found.locator('.ant-list-item').first().click();
    await page.waitForURL((u) => u.pathname === `/cdrs/${record.id}`);
    await page.locator('.ant-drawer').getByTestId('keyword-hit').first().waitFor();
  });

  it('the Keywords screen and the call record with its hit in zh-CN, zh-TW and en with no raw key', async () => {
    assert.ok(callId, 'the call of the test before');
    const keys = keysOf(locale('en'));
    for (const l of ['zh-CN', 'zh-TW', 'en']) {
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
      await page.goto(`${rig.server.baseUrl}/keywords`);
      await pageTitle(page, text(locale(l), 'menu.keywords'));
      await page.locator('tr', { hasText: 'fraud' }).waitFor();
      await page.getByTestId('keyword-list-new').click();
      await page.locator('.ant-modal #phrases').waitFor();
      assert.deepEqual(await rawKeysShown(page, keys), [], `${l} keywords`);
      await screenshot(page, l, 'keywords');
      await page.keyboard.press('Escape');
      await page.locator('.ant-modal').waitFor({ state: 'detached' });
      await page.goto(`${rig.server.baseUrl}/cdrs/${callId}`);
      await page.locator('.ant-drawer').getByTestId('keyword-hit').first().waitFor();
      await page.locator('.ant-drawer').getByText(text(locale(l), 'keywords.hits.onCall')).waitFor();
      assert.deepEqual(await rawKeysShown(page, keys), [], `${l} call record`);
      await screenshot(page, l, 'call-record-keywords');
    }
  });
});
