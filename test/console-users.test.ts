// Acceptance (issues 14 and 16): the security screens in Debian Chromium against the real process.
// The security admin creates an agent user linked to an extension in the Users form and reads its
// one-time password off the screen; that user signs in with it (in a browser of its own) and must
// change it first. An API token made on the tokens screen works against the API with a plain fetch,
// only for the permission it was given, shows its last use, and stops working once revoked there.
// Every new screen renders in zh-CN, zh-TW and en with no raw key. Last, mlps3: the profile switch
// is refused while the admin holds three administrator roles (the reason, naming it, under the
// field); once it holds only security-admin the switch goes through, and a new user with two
// administrator roles, or an existing one given them, is refused with the server's own reason under
// the roles field.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { base32Decode, hotp, totpStep } from '../server/users/totp.js';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { ADMIN, nextTotpCode, startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { confirmPopover, fieldError, fill, keysOf, locale, pageTitle, pickOption, rawKeysShown, screenshot, signInAsAdmin, signInWithPassword, text as textIn } from './helpers/console-page.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const en = locale('en');
const text = (key: string) => textIn(en, key);
const WAIT = 90_000;

/** the secret a dialog shows once (its code element, once visible and filled: the dialog stays in the page, empty, after it closes) */
async function shownOnce(page: Page, testId: string): Promise<string> {
  const code = page.getByTestId(testId).locator('code').filter({ hasText: /\S{8,}/ });
  await code.waitFor();
  return (await code.innerText()).trim();
}

interface UserRow {
  id: string;
  username: string;
  roles: string[];
  extensions: string[];
  mustChangePassword: boolean;
}

describe('console: users, API tokens, policy and account screens', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  const problems: string[] = [];
  let signedInAt = 0;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    server = await startHailing();
    assert.equal((await server.api('POST', '/api/v1/extensions', { number: '2001', password: 'ext-password-2001' })).status, 201);
    chrome = await launchChromium({ locale: 'en-GB' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) problems.push(m.text());
    });
    await signInAsAdmin(page, server);
    signedInAt = Date.now();
    await page.locator('[data-testid="page-title"]').waitFor();
  });

  after(async () => {
    await chrome?.close();
    await server?.kill();
  });

  const users = async () => (await server.api<{ items: UserRow[] }>('GET', '/api/v1/users')).body.items;
  const save = () => page.locator('.ant-modal').getByRole('button', { name: text('common.save') }).click();

  it('the security admin creates an agent with an extension; the agent signs in with the one-time password and must change it', async () => {
    await page.goto(`${server.baseUrl}/users`);
    await pageTitle(page, text('menu.users'));
    await page.getByTestId('user-new').click();
    await fill(page, { username: 'agent7' });
    await pickOption(page, 'extensions', '2001');
    await page.locator('.ant-modal-title').click();
    await save();
    const oneTime = await shownOnce(page, 'one-time-password');
    assert.ok(oneTime.length >= 12, 'the one-time password is shown');
    await page.getByRole('button', { name: text('users.done') }).click();
    await page.getByTestId('user-status-agent7').getByText(text('users.mustChange')).waitFor();
    const made = (await users()).find((u) => u.username === 'agent7');
    assert.deepEqual(made && [made.roles, made.extensions, made.mustChangePassword], [['agent'], ['2001'], true]);

    // the agent, in a browser of its own: the one-time password leads to the forced change first
    const agentBrowser = await launchChromium({ locale: 'en-GB' });
    try {
      const agent = await agentBrowser.newPage();
      agent.setDefaultTimeout(WAIT);
      await signInWithPassword(agent, server.baseUrl, { username: 'agent7', password: oneTime });
      assert.equal(new URL(agent.url()).pathname, '/password');
      await agent.getByText(text('password.forced')).waitFor();
      await fill(agent, { currentPassword: oneTime, newPassword: 'agent seven password', confirm: 'agent seven password' });
      await agent.keyboard.press('Enter');
      await agent.waitForURL((u) => u.pathname === '/agent');
      assert.equal((await users()).find((u) => u.username === 'agent7')?.mustChangePassword, false);

      // of its own accord, from My account: two-step sign-in with the key the page shows
      await agent.goto(`${server.baseUrl}/account`);
      await agent.getByRole('button', { name: text('account.mfaSetUp') }).click();
      const key = base32Decode((await agent.getByTestId('totp-secret').innerText()).trim()) ?? assert.fail('a base32 key');
      await fill(agent, { code: hotp({ key, counter: totpStep({ timeMs: Date.now() }) }) });
      await agent.getByRole('button', { name: text('mfa.confirm') }).click();
      await agent.getByTestId('recovery-codes').waitFor();
      await agent.getByRole('button', { name: text('mfa.continue') }).click();
      await agent.getByTestId('account-mfa').getByText(text('mfa.enabled')).waitFor();
    } finally {
      await agentBrowser.close();
    }

    // lock: the account is disabled (the API agrees), unlock brings it back
    await page.getByTestId('user-lock-agent7').click();
    await page.getByTestId('user-status-agent7').getByText(text('users.locked')).waitFor();
    assert.equal((await server.api<{ items: (UserRow & { disabled: boolean })[] }>('GET', '/api/v1/users')).body.items.find((u) => u.username === 'agent7')?.disabled, true);
    await page.getByTestId('user-lock-agent7').click();
    await page.getByTestId('user-status-agent7').getByText(text('users.active')).waitFor();

    // a password reset: a new one-time password, shown once, and the change is due again
    await confirmPopover(page, { trigger: page.getByTestId('user-reset-agent7'), button: text('users.resetPassword'), done: page.getByTestId('one-time-password') });
    const again = await shownOnce(page, 'one-time-password');
    assert.ok(again.length >= 12 && again !== oneTime);
    await page.getByRole('button', { name: text('users.done') }).click();
    await page.getByTestId('user-status-agent7').getByText(text('users.mustChange')).waitFor();
    // its lost phone: the security admin resets two-step sign-in
    await page.getByTestId('user-mfa-agent7').getByText(text('users.mfaOn')).waitFor();
    await confirmPopover(page, { trigger: page.getByTestId('user-mfa-reset-agent7'), button: text('users.resetMfa'), done: page.getByTestId('user-mfa-agent7').getByText(text('users.mfaOff')) });
    assert.equal((await server.api<{ items: { username: string; mfaEnabled: boolean }[] }>('GET', '/api/v1/users')).body.items.find((u) => u.username === 'agent7')?.mfaEnabled, false);
    const login = await fetch(`${server.baseUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'agent7', password: again }) });
    assert.equal(((await login.json()) as { mustChangePassword?: boolean }).mustChangePassword, true);
  });

  it('my account: two-step sign-in is on, and new recovery codes are issued against a current code, shown once', async () => {
    await page.goto(`${server.baseUrl}/account`);
    await pageTitle(page, text('menu.account'));
    assert.equal(await page.getByTestId('account-mfa').innerText(), text('mfa.enabled'));
    // the two sign-ins used up to the step after the one they happened in, and the server takes each
    // step once and at most one step ahead: the next code is good from the following step on
    while (totpStep({ timeMs: Date.now() }) <= totpStep({ timeMs: signedInAt })) await new Promise((r) => setTimeout(r, 500));
    await fill(page, { code: nextTotpCode(server.dataDir) });
    await page.getByRole('button', { name: text('account.renewCodes') }).click();
    const codes = (await page.getByTestId('recovery-codes').innerText()).trim().split('\n');
    assert.equal(codes.length, 10);
  });

  it('a token made on the tokens screen works with fetch for its permission only, shows its last use, and stops after revoke', async () => {
    await page.goto(`${server.baseUrl}/tokens`);
    await pageTitle(page, text('menu.tokens'));
    await page.getByTestId('token-new').click();
    await fill(page, { name: 'billing-export' });
    await pickOption(page, 'permissions', 'cdrs.read');
    // a multiple select's list stays open over the dialog's buttons: a click on the title closes it
    await page.locator('.ant-modal-title').click();
    await page.locator('.ant-modal').getByRole('button', { name: text('tokens.create') }).click();
    const secret = await shownOnce(page, 'token-secret');
    assert.match(secret, /^hlg_/);
    await page.getByRole('button', { name: text('users.done') }).click();

    const get = (route: string) => fetch(`${server.baseUrl}${route}`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal((await get('/api/v1/cdrs')).status, 200);
    assert.equal((await get('/api/v1/extensions')).status, 403, 'only the permission it was given');
    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'billing-export' });
    await row.getByText('127.0.0.1').waitFor();

    await confirmPopover(page, { trigger: page.getByTestId('token-revoke-billing-export'), button: text('tokens.revoke'), done: page.getByTestId('token-status-billing-export').getByText(text('tokens.revoked')) });
    assert.equal((await get('/api/v1/cdrs')).status, 401);
  });

  it('each new screen in zh-CN, zh-TW and en with no raw key', async () => {
    const keys = keysOf(en);
    for (const l of ['zh-CN', 'zh-TW', 'en']) {
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
      for (const [name, route, title] of [
        ['users', '/users', 'menu.users'],
        ['policy', '/policy', 'menu.policy'],
        ['tokens', '/tokens', 'menu.tokens'],
        ['account', '/account', 'menu.account'],
      ] as const) {
        await page.goto(`${server.baseUrl}${route}`);
        await pageTitle(page, textIn(locale(l), title));
        await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' }).catch(() => undefined);
        // the lists have loaded (the account page has no table)
        if (route !== '/account') await page.locator('.ant-table-row, .ant-table-placeholder').first().waitFor();
        else await page.getByTestId('account-mfa').waitFor();
        assert.deepEqual(await rawKeysShown(page, keys), [], `${l} ${name}`);
        await screenshot(page, l, name);
      }
    }
  });

  it('mlps3: the switch is refused naming the admin, then two administrator roles are refused under the roles field', async () => {
    await page.goto(`${server.baseUrl}/policy`);
    await pageTitle(page, text('menu.policy'));
    await pickOption(page, 'profile', text('policy.profiles.mlps3'));
    await page.getByTestId('policy-save').click();
    assert.match(await fieldError(page, 'profile'), new RegExp(`user ${ADMIN.username}`));

    // the admin keeps security administration only; then the switch goes through
    const me = (await users()).find((u) => u.username === ADMIN.username)!;
    assert.equal((await server.api('PATCH', `/api/v1/users/${me.id}`, { roles: ['security-admin'] })).status, 200);
    await page.reload();
    await pickOption(page, 'profile', text('policy.profiles.mlps3'));
    await page.getByTestId('policy-save').click();
    await page.getByRole('columnheader', { name: text('policy.profiles.mlps3') }).getByTestId('policy-current').waitFor();

    // what the form sends: the new user's default role, and the two picked
    const body = { username: 'twohats', roles: ['agent', 'admin', 'auditor'], extensions: [], queues: [], teams: [], displayName: null };
    const refused = await server.api<{ reason: string; field: string }>('POST', '/api/v1/users', body);
    assert.deepEqual([refused.status, refused.body.field], [400, 'roles']);
    await page.goto(`${server.baseUrl}/users`);
    await page.getByTestId('user-new').click();
    await fill(page, { username: 'twohats' });
    await pickOption(page, 'roles', text('users.roleNames.admin'));
    await pickOption(page, 'roles', text('users.roleNames.auditor'));
    await page.locator('.ant-modal-title').click();
    await save();
    assert.equal(await fieldError(page, 'roles'), refused.body.reason);
    assert.equal((await users()).some((u) => u.username === 'twohats'), false);

    // the same refusal when an existing user's roles are edited; the user keeps its roles
    await page.locator('.ant-modal').getByRole('button', { name: text('common.cancel') }).click();
    await page.locator('.ant-modal').waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: 'agent7' }).getByRole('button', { name: text('common.edit') }).click();
    await pickOption(page, 'roles', text('users.roleNames.admin'));
    await pickOption(page, 'roles', text('users.roleNames.auditor'));
    await page.locator('.ant-modal-title').click();
    await save();
    assert.equal(await fieldError(page, 'roles'), refused.body.reason);
    assert.deepEqual((await users()).find((u) => u.username === 'agent7')?.roles, ['agent']);
    assert.deepEqual(problems, []);
  });
});
