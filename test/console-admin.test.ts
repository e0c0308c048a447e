// Acceptance of the web console (issue 16) in Debian Chromium against the real process on loopback:
// first sign-in with the one-time admin password, the forced change, the first-run setup opening
// next (skipped here), an extension created in the UI,
// a baresip phone registering with it and appearing on the registrations screen without a reload,
// every main screen in zh-CN, zh-TW and en (no untranslated key; screenshots in
// test-output/console/), the server's reasons next to the fields, an expired session that returns to
// sign-in and back to its page, and no Content-Security-Policy violation on the way.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { confirmPopover, fieldError, fill, keysOf, locale, pageTitle, rawKeysShown, screenshot, text } from './helpers/console-page.js';
import { base32Decode, hotp, totpStep } from '../server/users/totp.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const LOCALES = ['zh-CN', 'zh-TW', 'en'] as const;
const SCREENS = [
  ['extensions', '/extensions', 'menu.extensions'],
  ['registrations', '/registrations', 'menu.registrations'],
  ['dialplan', '/dialplan', 'menu.dialplan'],
  ['call-handling', '/call-handling', 'menu.callHandling'],
  ['trunks', '/trunks', 'menu.trunks'],
  ['numbers', '/numbers', 'menu.numbers'],
  ['calendars', '/calendars', 'menu.calendars'],
  ['devices', '/devices', 'menu.devices'],
  ['flows', '/flows', 'menu.flows'],
  ['live-calls', '/calls', 'menu.liveCalls'],
  ['conferences', '/conferences', 'menu.conferences'],
  ['moh', '/moh', 'menu.moh'],
  ['voicemail', '/voicemail', 'menu.voicemail'],
  ['cdrs', '/cdrs', 'menu.cdrs'],
  ['audit', '/audit', 'menu.audit'],
  ['system', '/system', 'menu.system'],
  ['setup', '/setup', 'menu.setup'],
  ['speech', '/speech', 'menu.speech'],
] as const;
const WAIT = 90_000; // Chromium and baresip on a loaded 2-core machine
const NEW_PASSWORD = 'a console password 1';
let totpSecret = '';
let lastStep = -1;
/** the code for the next time step not used yet: the server accepts each step once */
function totpCode(): string {
  const step = Math.max(totpStep({ timeMs: Date.now() }), lastStep + 1);
  lastStep = step;
  return hotp({ key: base32Decode(totpSecret) ?? Buffer.alloc(0), counter: step });
}

describe('web console: first admin, extension, live registration, locales, session expiry', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  const phones: Phone[] = [];
  const problems: string[] = [];
  const en = locale('en');
  const allKeys = keysOf(en);

  before(async () => {
    // the console the process serves (web/dist), built when its sources are newer
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    server = await startHailing({ generatedAdmin: true });
    // the browser prefers Traditional Chinese: the console must start in it
    chrome = await launchChromium({ locale: 'zh-TW' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    // every <style> the console adds must carry the page's nonce (or CSP blocks it)
    await page.addInitScript(
      `new MutationObserver((ms) => { for (const m of ms) for (const n of m.addedNodes) if (n.nodeName === 'STYLE' && !n.nonce) ` +
        `console.log('style-without-nonce ' + (n.getAttribute('rc-util-key') || n.outerHTML.slice(0, 200))); }).observe(document, { childList: true, subtree: true });`,
    );
    page.on('console', (m) => {
      const line = m.text();
      if (line.startsWith('style-without-nonce ') || (m.type() === 'error' && /Content Security Policy|Refused to/i.test(line))) problems.push(line);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  });

  after(async () => {
    await stopPhones(phones);
    await chrome?.close();
    await server?.kill();
  });

  it('opens at the printed URL in the browser\'s language, with a switch in the header', async () => {
    assert.match(server.output(), new RegExp(`Console: ${server.baseUrl.replace(/[.]/g, '\\.')}/`));
    await page.goto(`${server.baseUrl}/`);
    await page.getByRole('heading', { name: text(locale('zh-TW'), 'signIn.title') }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/login');
    for (const l of LOCALES) {
      await setLanguage(page, l);
      await page.reload();
      await page.getByRole('heading', { name: text(locale(l), 'signIn.title') }).waitFor();
      await screenshot(page, l, 'sign-in');
    }
    // the header switch, by keyboard: focus, open, pick English
    await setLanguage(page, 'zh-CN');
    await page.reload();
    await page.getByRole('combobox').focus();
    await page.keyboard.press('Enter');
    await page.locator('.ant-select-item-option', { hasText: 'English' }).click();
    await page.getByRole('heading', { name: text(en, 'signIn.title') }).waitFor();
  });

  it('signs in with the one-time password and must change it; the server\'s reason shows next to the field', async () => {
    await fill(page, { username: 'admin', password: server.oneTimePassword() });
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: text(en, 'password.title') }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/password');
    for (const l of LOCALES) await screenshotIn(page, l, 'password-change');
    await fill(page, { currentPassword: server.oneTimePassword(), newPassword: 'short', confirm: 'short' });
    await page.getByRole('button', { name: text(en, 'password.submit') }).click();
    assert.match(await fieldError(page, 'newPassword'), /at least 8 characters/);
    await fill(page, { newPassword: NEW_PASSWORD, confirm: NEW_PASSWORD });
    await page.getByRole('button', { name: text(en, 'password.submit') }).click();
    // administrator roles must enrol TOTP next: the key shown, a code computed from it (RFC 6238)
    await page.getByRole('heading', { name: text(en, 'mfa.title') }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/mfa');
    totpSecret = ((await page.getByTestId('totp-secret').textContent()) ?? '').trim();
    await fill(page, { code: totpCode() });
    await page.getByRole('button', { name: text(en, 'mfa.confirm') }).click();
    const codes = ((await page.getByTestId('recovery-codes').textContent()) ?? '').trim().split('\n');
    assert.equal(codes.length, 10);
    await page.getByRole('button', { name: text(en, 'mfa.continue') }).click();
    // a new server: the first-run setup opens next (test/console-setup.test.ts walks it); skipped here
    await pageTitle(page, text(en, 'menu.setup'));
    assert.equal(new URL(page.url()).pathname, '/setup');
    await confirmPopover(page, { trigger: page.getByTestId('setup-dismiss'), button: 'OK', done: page.getByTestId('setup-dismiss'), doneState: 'detached' });
    await pageTitle(page, text(en, 'menu.extensions'));
    assert.equal(new URL(page.url()).pathname, '/extensions');
  });

  it('creates an extension in the UI; a bad number gets the server\'s reason next to the field', async () => {
    await page.getByTestId('extension-new').click();
    await fill(page, { number: '10a', password: 'phone-secret-1001', displayName: 'Front desk' });
    await page.getByRole('button', { name: text(en, 'common.save') }).click();
    assert.match(await fieldError(page, 'number'), /extension number must be 2 to 15 digits/);
    await fill(page, { number: '1001' });
    await page.getByRole('button', { name: text(en, 'common.save') }).click();
    const snippet = page.getByTestId('softphone-snippet');
    await snippet.waitFor();
    assert.match((await snippet.textContent()) ?? '', /username=1001\npassword=phone-secret-1001\ndomain=/);
    await page.getByRole('img', { name: text(en, 'softphone.qrAlt') }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('cell', { name: 'Front desk' }).waitFor();
    const cookie = (await chrome.context.cookies()).find((c) => c.name === 'hailing_session');
    const listed = await fetch(`${server.baseUrl}/api/v1/extensions`, { headers: { authorization: `Bearer ${cookie?.value ?? ''}` } });
    assert.deepEqual(((await listed.json()) as { items: Array<{ number: string }> }).items.map((e) => e.number), ['1001']);
  });

  it('shows a baresip phone registering on the registrations screen without a reload', async () => {
    await page.evaluate('window.noReload = 42');
    await page.getByRole('menuitem', { name: text(en, 'menu.registrations') }).click();
    await pageTitle(page, text(en, 'menu.registrations'));
    await page.getByTestId('live-state').getByText(text(en, 'registrations.live')).waitFor();
    await page.getByTestId('registrations-table').locator('.ant-empty').waitFor();
    await registeredPhone(
      { user: '1001', password: 'phone-secret-1001', domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip } },
      phones,
    );
    await page.getByTestId('registrations-table').getByText('sip:1001@127.0.0.1').waitFor();
    assert.equal(await page.evaluate('window.noReload'), 42, 'the page was reloaded');
  });

  it('renders every main screen in zh-CN, zh-TW and en with no untranslated key (screenshots)', async () => {
    for (const l of LOCALES) {
      const strings = locale(l);
      await setLanguage(page, l);
      for (const [name, route, title] of SCREENS) {
        await page.goto(`${server.baseUrl}${route}`);
        await pageTitle(page, text(strings, title));
        await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' }).catch(() => undefined);
        assert.deepEqual(await rawKeysShown(page, allKeys), [], `${l} ${name}`);
        await screenshot(page, l, name);
      }
    }
    await setLanguage(page, 'en');
  });

  it('returns to sign-in when the session ends, and back to the page afterwards', async () => {
    await page.goto(`${server.baseUrl}/dialplan`);
    await pageTitle(page, text(en, 'menu.dialplan'));
    // the screen has loaded what it shows before the session ends
    await page.getByText(text(en, 'dialplan.empty')).waitFor();
    const cookie = (await chrome.context.cookies()).find((c) => c.name === 'hailing_session');
    assert.ok(cookie, 'session cookie');
    // the session ends on the server (as an expiry or a revocation does)
    const out = await fetch(`${server.baseUrl}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${cookie.value}` } });
    assert.equal(out.status, 204);
    await page.getByRole('menuitem', { name: text(en, 'menu.cdrs') }).click();
    await page.getByRole('heading', { name: text(en, 'signIn.title') }).waitFor();
    const at = new URL(page.url());
    assert.equal(at.pathname, '/login');
    assert.equal(at.searchParams.get('next'), '/cdrs');
    await page.getByText(text(en, 'signIn.again')).waitFor();
    await fill(page, { username: 'admin', password: NEW_PASSWORD });
    await page.keyboard.press('Enter');
    // the TOTP step (RFC 6238), the code computed from the key enrolled above
    await page.locator('#code').waitFor();
    await fill(page, { code: totpCode() });
    await page.keyboard.press('Enter');
    await pageTitle(page, text(en, 'menu.cdrs'));
    assert.equal(new URL(page.url()).pathname, '/cdrs');
  });

  it('an agent signs in and the menu shows only what an agent may use', async () => {
    const cookie = (await chrome.context.cookies()).find((c) => c.name === 'hailing_session');
    assert.ok(cookie, 'session cookie');
    const made = await fetch(`${server.baseUrl}/api/v1/users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${cookie.value}`, 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'agent1', password: 'an agent password 1', roles: ['agent'] }),
    });
    assert.equal(made.status, 201);
    // the admin's browser becomes the agent's: signed out, then the agent signs in (no TOTP for agents by default)
    await chrome.context.clearCookies();
    await page.goto(`${server.baseUrl}/login`);
    await fill(page, { username: 'agent1', password: 'an agent password 1' });
    await page.keyboard.press('Enter');
    // an agent lands on its workspace (issue 16), and the menu has that, its extensions and call
    // handling, and what every signed-in user has: its own account and API tokens
    await pageTitle(page, text(en, 'menu.agent'));
    const menu = (await page.getByRole('menuitem').allTextContents()).map((t) => t.trim()).sort();
    assert.deepEqual(menu, [text(en, 'menu.agent'), text(en, 'menu.callHandling'), text(en, 'menu.extensions'), text(en, 'menu.account'), text(en, 'menu.tokens')].sort());
  });

  it('met no Content-Security-Policy violation or page error', () => {
    assert.deepEqual(problems, []);
  });
});

/** the console's remembered language choice (what the header switch stores) */
async function setLanguage(page: Page, l: string): Promise<void> {
  await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
}

async function screenshotIn(page: Page, l: string, name: string): Promise<void> {
  await setLanguage(page, l);
  await page.reload();
  await page.locator('h3').first().waitFor();
  await screenshot(page, l, name);
  await setLanguage(page, 'en');
  await page.reload();
  await page.locator('#currentPassword').waitFor();
}
