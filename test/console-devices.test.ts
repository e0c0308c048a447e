// Acceptance of the desk phones screen (issue 12) in Debian Chromium against the real process with
// its provisioning listener: a phone enrolled in the UI shows its one-time credentials, which curl
// (an independent digest client) then uses to fetch the phone's file; an unknown MAC that asked for
// a configuration is listed as pending and approved from the screen; the re-sync button answers; a
// template is shown; the screen has no raw key in en, zh-CN and zh-TW.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { fill, keysOf, locale, pageTitle, pickOption, rawKeysShown, screenshot, text, signInAsAdmin } from './helpers/console-page.js';
import { freePort } from './helpers/ports.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WAIT = 90_000;

describe('console: desk phones screen', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  let prov: string;
  const en = locale('en');

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    const port = await freePort();
    server = await startHailing({ env: { HAILING_PROVISIONING_HTTP_PORT: String(port) } });
    prov = `http://127.0.0.1:${port}`;
    for (const n of ['1001', '1002']) assert.equal((await server.api('POST', '/api/v1/extensions', { number: n, password: `Own-extension-pw-${n}` })).status, 201);
    // an unknown Grandstream asks for its file: it waits on the pending list
    assert.equal((await fetch(`${prov}/cfg000b82112233.xml`)).status, 401);
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    // straight to the extensions: a new server's admin otherwise lands on the first-run setup
    await signInAsAdmin(page, server, '/extensions');
    await pageTitle(page, text(en, 'menu.extensions'));
  });
  after(async () => {
    await chrome?.close();
    await server?.kill();
  });

  it('enrols a Yealink in the UI; the one-time credentials fetch its file with curl', async () => {
    await page.getByRole('menuitem', { name: text(en, 'menu.devices') }).click();
    await pageTitle(page, text(en, 'menu.devices'));
    await page.getByTestId('provisioning-url').getByText(prov).waitFor();
    await page.getByTestId('device-new').click();
    await fill(page, { mac: '00:15:65:aa:bb:cc', extension: '1001', label: 'Reception' });
    await pickOption(page, 'family', 'Yealink');
    await page.getByRole('dialog').getByRole('button', { name: text(en, 'devices.enrol') }).click();
    // the one-time credentials, or the reason the enrolment was refused (in the dialog)
    const shown = page.getByTestId('device-password');
    await shown.or(page.getByRole('dialog').locator('[role="alert"], .ant-form-item-explain-error')).first().waitFor();
    if (!(await shown.isVisible())) throw new Error(`the enrolment was refused: ${await page.getByRole('dialog').first().innerText()}`);
    const password = (await shown.textContent()) ?? '';
    assert.match(password, /^[A-Za-z0-9_-]{24}$/);
    await page.getByRole('button', { name: text(en, 'devices.done') }).click();
    await page.getByTestId('devices-table').getByText('001565aabbcc').waitFor();
    const { stdout } = await run('curl', ['-s', '--digest', '-u', `001565aabbcc:${password}`, `${prov}/001565aabbcc.cfg`]);
    assert.match(stdout, /^account\.1\.user_name = 1001$/m);
  });

  it('approves the pending MAC from the screen', async () => {
    await page.getByTestId('pending-approve-000b82112233').click();
    await fill(page, { extension: '1002' });
    await page.getByRole('dialog').getByRole('button', { name: text(en, 'devices.approve') }).click();
    await page.getByTestId('device-password').waitFor();
    await page.getByRole('button', { name: text(en, 'devices.done') }).click();
    await page.getByTestId('devices-table').getByText('000b82112233').waitFor();
    const pending = await server.api<{ items: unknown[] }>('GET', '/api/v1/devices/pending');
    assert.deepEqual(pending.body.items, []);
  });

  it('re-sync answers, a template is shown, and no raw key shows in any language', async () => {
    await page.getByTestId('device-resync-001565aabbcc').click();
    await page.getByText(text(en, 'devices.resyncSent').replace('{{count}}', '0')).waitFor();
    await page.getByTestId('template-body').getByText(/account\.1\.password = \{\{sip_password\}\}/).waitFor();
    const keys = keysOf(en);
    for (const l of ['zh-CN', 'zh-TW', 'en']) {
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
      await page.reload();
      await pageTitle(page, text(locale(l), 'menu.devices'));
      await page.getByTestId('devices-table').getByText('001565aabbcc').waitFor();
      assert.deepEqual(await rawKeysShown(page, keys), [], l);
      await screenshot(page, l, 'devices');
    }
  });
});
