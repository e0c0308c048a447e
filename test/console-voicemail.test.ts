// Acceptance of the console's voicemail screen (issue 12) in Debian Chromium against the real
// process: a mailbox made in the UI with a PIN (shown only as "PIN set") and an uploaded greeting
// (and a busy greeting uploaded and removed),
// a message left by a baresip phone calling the extension (no phone registered: voicemail at once)
// listed with a player whose audio the server serves decrypted, marked heard, deleted; while the
// call lasts the registrations screen shows the caller's line busy (BLF state); the screen
// in all three languages without untranslated keys.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { chooseOption, confirmPopover, fill, pageTitle, rawKeysShown, screenshot, signInAsAdmin } from './helpers/console-page.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
type Tree = { [k: string]: string | Tree };
const locale = (l: string) => JSON.parse(readFileSync(path.join(root, 'web/src/i18n/locales', `${l}.json`), 'utf8')) as Tree;
const text = (tree: Tree, key: string): string => {
  const v = key.split('.').reduce<string | Tree | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
  if (typeof v !== 'string') throw new Error(`no string at ${key}`);
  return v;
};
const keysOf = (tree: Tree, prefix = ''): string[] => Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));
const WAIT = 90_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('console: the voicemail screen', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  const phones: Phone[] = [];
  const en = locale('en');
  const work = mkdtempSync(path.join(tmpdir(), 'hailing-console-vm-'));

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    server = await startHailing();
    for (const n of ['1001', '1002']) assert.equal((await server.api('POST', '/api/v1/extensions', { number: n, password: `secret-${n}` })).status, 201);
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
  });

  after(async () => {
    await stopPhones(phones);
    await chrome?.close();
    await server?.kill();
  });

  const pick = async (number: string) => {
    const select = page.getByTestId('mailbox-select');
    await chooseOption(page, { open: select, option: number, took: async () => ((await select.textContent()) ?? '').includes(number) });
  };

  it('creates the mailbox with a PIN and uploads a greeting; a missed call leaves a message that plays, is marked heard and deleted', async () => {
    await signInAsAdmin(page, server, '/voicemail');
    await pageTitle(page, text(en, 'menu.voicemail'));
    await pick('1002');
    await page.getByText(text(en, 'voicemail.none')).waitFor();
    await fill(page, { pin: '2468' });
    await page.getByRole('button', { name: text(en, 'common.save') }).click();
    await page.getByTestId('mailbox-state').getByText(text(en, 'voicemail.pinSet')).waitFor();
    const greeting = path.join(work, 'greeting.wav');
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', greeting, 'synth', '1', 'sine', '600']);
    await page.getByTestId('greeting-file').setInputFiles(greeting);
    await page.getByTestId('mailbox-state').getByText(text(en, 'voicemail.greetingUploaded')).waitFor();
    // a busy greeting beside it (?kind=busy), then removed again: the unavailable one stays
    await page.getByTestId('greeting-file-busy').setInputFiles(greeting);
    // exact: 'Set' is also inside 'Not set', which shows until the upload is stored
    await page.getByTestId('greeting-busy').getByText(text(en, 'voicemail.greetingSet'), { exact: true }).waitFor();
    const both = await server.api<{ greetings: Record<string, boolean> }>('GET', '/api/v1/extensions/1002/mailbox');
    assert.deepEqual(both.body.greetings, { unavailable: true, busy: true, temporary: false });
    await page.getByTestId('greeting-busy').getByRole('button', { name: text(en, 'voicemail.greetingRemove') }).click();
    await page.getByTestId('greeting-busy').getByText(text(en, 'voicemail.greetingNotSet'), { exact: true }).waitFor();
    const box = await server.api<{ hasPin: boolean; hasGreeting: boolean; greetings: Record<string, boolean> }>('GET', '/api/v1/extensions/1002/mailbox');
    assert.deepEqual([box.body.hasPin, box.body.hasGreeting, box.body.greetings.busy], [true, true, false]);

    // 1002 has no phone registered: the call goes to its mailbox at once
    const caller = await registeredPhone({ user: '1001', password: 'secret-1001', domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: 400, answerMode: 'auto' }, phones);
    await caller.dial('sip:1002@127.0.0.1');
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // meanwhile the registrations screen shows 1001's line busy with 1002 (its BLF state)
    await page.goto(`${server.baseUrl}/registrations`);
    await page.getByTestId('line-1001').filter({ hasText: '1002' }).waitFor();
    await sleep(3_000);
    await caller.hangup();
    await caller.waitForEvent({ type: 'CALL_CLOSED' });
    await page.getByTestId('line-1001').waitFor({ state: 'detached' });

    // the link a voicemail e-mail carries opens the mailbox it names
    await page.goto(`${server.baseUrl}/voicemail?mailbox=1002`);
    const row = page.getByTestId('messages-table').locator('tbody tr', { hasText: '1001' });
    await row.waitFor();
    await row.getByText(text(en, 'voicemail.new')).waitFor();
    // the player's source is served decrypted to the signed-in session: a WAV
    const src = await row.locator('audio').getAttribute('src');
    const served = (await page.evaluate(`fetch(${JSON.stringify(src)}, { credentials: 'same-origin' }).then(async (r) => [r.status, r.headers.get('content-type'), new TextDecoder().decode((await r.arrayBuffer()).slice(0, 4))])`)) as [number, string, string];
    assert.deepEqual(served, [200, 'audio/wav', 'RIFF']);
    await screenshot(page, 'en', 'voicemail');
    await row.getByRole('button', { name: text(en, 'voicemail.markRead') }).click();
    await row.getByText(text(en, 'voicemail.read')).waitFor();
    await confirmPopover(page, { trigger: row.getByRole('button', { name: text(en, 'common.delete') }), button: /ok|yes|确定|確定/i, done: row, doneState: 'detached' });
    await row.waitFor({ state: 'detached' });
    const left = await server.api<{ items: unknown[] }>('GET', '/api/v1/extensions/1002/mailbox/messages');
    assert.equal(left.body.items.length, 0);
  });

  it('shows the screen in zh-CN, zh-TW and en with no untranslated key', async () => {
    const keys = keysOf(en).filter((k) => k.startsWith('voicemail.') || k.startsWith('menu.'));
    for (const l of ['zh-CN', 'zh-TW', 'en']) {
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
      await page.reload();
      await pageTitle(page, text(locale(l), 'menu.voicemail'));
      await pick('1002');
      await page.getByTestId('mailbox-state').waitFor();
      assert.deepEqual(await rawKeysShown(page, keys), [], `${l}: untranslated keys`);
      await screenshot(page, l, 'voicemail-mailbox');
    }
  });
});
