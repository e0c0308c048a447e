// The console's directory sign-in screen and mail relay card (issues 14 and 12) in Debian Chromium
// against the real process, with a real OpenLDAP (slapd) and a real SMTP relay (smtp-server): the
// settings from the environment are shown without the service account's or the relay's password; a
// looked-up user shows its entry, its groups and the role they give (a user whose groups give none,
// and an unknown name, each get their own answer); each look-up is audited; a test e-mail reaches
// the relay, and an address that is not one is refused under its field.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { fieldError, fill, keysOf, locale, pageTitle, rawKeysShown, screenshot, signInAsAdmin, text as textIn } from './helpers/console-page.js';
import { BASE_LDIF, GROUPS, group, ldapEnv, PEOPLE, person, SERVICE, SERVICE_PASSWORD, startSlapd, type Slapd } from './helpers/slapd.js';
import { startSmtpRelay, type SmtpRelay } from './helpers/smtp-relay.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const en = locale('en');
const text = (key: string) => textIn(en, key);
const RELAY_PASSWORD = 'relay-secret-5d1e9b';
const LDIF = [...BASE_LDIF, person('alice', 'Alice Agent', 'alice-pw'), person('carol', 'Carol Contractor', 'carol-pw'), group('cc-agents', ['alice']), group('contractors', ['carol'])].join('\n');

describe('console: directory sign-in screen and the mail relay card', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let slapd: Slapd;
  let relay: SmtpRelay;
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    slapd = await startSlapd(LDIF);
    relay = await startSmtpRelay({ user: 'pbx-relay', password: RELAY_PASSWORD });
    server = await startHailing({
      env: { ...ldapEnv(slapd.url, { 'cc-agents': 'agent' }), ...relay.env('pbx@example.test') },
    });
    chrome = await launchChromium({ locale: 'en-GB' });
    page = await chrome.newPage();
    page.setDefaultTimeout(90_000);
    await signInAsAdmin(page, server);
    await page.locator('[data-testid="page-title"]').waitFor();
  });

  after(async () => {
    await chrome?.close();
    await server?.kill();
    await relay?.close();
    await slapd?.stop();
  });

  const lookUp = async (username: string) => {
    await page.getByTestId('directory-username').fill(username);
    await page.getByTestId('directory-lookup').click();
    return page.getByTestId('directory-result');
  };

  it('shows the LDAP settings without the password; a look-up shows the entry, groups and role, or why not; each is audited', async () => {
    await page.goto(`${server.baseUrl}/directory`);
    await pageTitle(page, text('menu.directory'));
    await page.getByText(slapd.url, { exact: true }).waitFor();
    await page.getByText(SERVICE, { exact: true }).waitFor();
    await page.getByText(text('directory.oidcOff')).waitFor();
    assert.ok(!(await page.content()).includes(SERVICE_PASSWORD), 'the service account password is not in the page');

    const alice = await lookUp('alice');
    await alice.getByText(`uid=alice,${PEOPLE}`).waitFor();
    await alice.getByText(`cn=cc-agents,${GROUPS}`).waitFor();
    await alice.getByText(text('users.roleNames.agent'), { exact: true }).waitFor();
    await (await lookUp('carol')).getByText(text('directory.noRole')).waitFor();
    await (await lookUp('nobody')).getByText(text('directory.reasons.not-found')).waitFor();
    await screenshot(page, 'en', 'directory');

    const audit = await server.api<{ items: { action: string; detail: { username: string; found: boolean } }[] }>('GET', '/api/v1/audit?action=directory.lookup');
    assert.deepEqual(
      audit.body.items.map((e) => [e.detail.username, e.detail.found]).reverse(),
      [
        ['alice', true],
        ['carol', true],
        ['nobody', false],
      ],
    );
  });

  it('the mail relay card shows the relay without its password; a test e-mail reaches it; a bad address is refused under its field', async () => {
    await page.goto(`${server.baseUrl}/system`);
    await page.getByText(`127.0.0.1:${relay.port}`, { exact: true }).waitFor();
    assert.ok(!(await page.content()).includes(RELAY_PASSWORD), 'the relay password is not in the page');
    // the voicemail e-mail queue's counts (none waits or failed here; voicemail-email-retry-baresip fills it)
    const queue = (await server.api<{ queue: { pending: number; failed: number } }>('GET', '/api/v1/system/mail')).body.queue;
    await page.getByTestId('mail-queue').getByText(text('mailRelay.pending').replace('{{n}}', String(queue.pending))).waitFor();
    await page.getByTestId('mail-queue').getByText(text('mailRelay.failedMails').replace('{{n}}', String(queue.failed))).waitFor();
    await fill(page, { to: 'not-an-address' });
    await page.getByTestId('mail-test').click();
    assert.match(await fieldError(page, 'to'), /an e-mail address/);
    await fill(page, { to: 'ann@example.test' });
    await page.getByTestId('mail-test').click();
    await page.getByTestId('mail-result').getByText(text('mailRelay.sent')).waitFor();
    const mail = relay.mails.at(-1);
    assert.ok(mail, 'the relay received the test e-mail');
    assert.deepEqual(mail.to, ['ann@example.test']);
    assert.match(mail.raw, /Subject: Hailing test e-mail/);
    assert.deepEqual(relay.auths, ['pbx-relay'], 'Hailing authenticated to the relay');
  });

  it('both in zh-CN and zh-TW with no raw key', async () => {
    for (const lang of ['zh-CN', 'zh-TW']) {
      const keys = keysOf(en);
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(lang)})`);
      for (const [screen, title] of [
        ['/directory', 'menu.directory'],
        ['/system', 'menu.system'],
      ] as const) {
        await page.goto(`${server.baseUrl}${screen}`);
        await pageTitle(page, textIn(locale(lang), title));
        // the settings have loaded
        await page.getByText(`127.0.0.1:${relay.port}`).or(page.getByText(slapd.url)).first().waitFor();
        assert.deepEqual(await rawKeysShown(page, keys), [], `${lang} ${screen}`);
      }
      await screenshot(page, lang, 'directory');
    }
  });
});
