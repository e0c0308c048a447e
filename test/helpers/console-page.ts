// Drives the web console in Debian Chromium (playwright-core): the form fields by their labels'
// ids (Ant Design gives each Form.Item input the field name as id), errors as Ant Design renders
// them under the field, screenshots into test-output/console/<locale>/.
import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ADMIN, nextTotpCode, type HailingProcess } from './hailing-process.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const SCREENSHOT_DIR = path.join(root, 'test-output', 'console');

/** the error text Ant Design shows under the form field whose input has this id */
export async function fieldError(page: Page, field: string): Promise<string> {
  const explain = page.locator('.ant-form-item').filter({ has: page.locator(`#${field}`) }).locator('.ant-form-item-explain-error');
  await explain.first().waitFor();
  return (await explain.allTextContents()).join(' ');
}

export async function fill(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.locator(`#${id}`).fill(value);
}

export async function screenshot(page: Page, locale: string, name: string): Promise<string> {
  const dir = path.join(SCREENSHOT_DIR, locale);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** strings of the form a.b(.c) that are keys of the locale files: a missing translation shows its key */
export async function rawKeysShown(page: Page, keys: readonly string[]): Promise<string[]> {
  const text = await page.locator('body').innerText();
  return keys.filter((k) => text.includes(k));
}

export async function pageTitle(page: Page, expected: string): Promise<void> {
  await page.locator('[data-testid="page-title"]', { hasText: expected }).waitFor();
}

export type LocaleTree = { [k: string]: string | LocaleTree };

/** a locale file of the console (web/src/i18n/locales/<l>.json) */
export const locale = (l: string): LocaleTree => JSON.parse(readFileSync(path.join(root, 'web/src/i18n/locales', `${l}.json`), 'utf8')) as LocaleTree;

/** the string at a dotted key of a locale */
export const text = (tree: LocaleTree, key: string): string => {
  const v = key.split('.').reduce<string | LocaleTree | undefined>((t, k) => (typeof t === 'object' ? t[k] : undefined), tree);
  if (typeof v !== 'string') throw new Error(`no string at ${key}`);
  return v;
};

/** every dotted key of a locale */
export const keysOf = (tree: LocaleTree, prefix = ''): string[] =>
  Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`)));

/**
 * Signs the test admin in through the sign-in screen: the password, then the TOTP step (the
 * admin's roles require MFA; the API helper enrolled it, and nextTotpCode computes each code).
 */
export async function signInAsAdmin(page: Page, server: Pick<HailingProcess, 'baseUrl' | 'dataDir' | 'api'>, next?: string): Promise<void> {
  // the first API call signs in and enrols TOTP for this data folder
  await server.api('GET', '/api/v1/auth/session');
  await page.goto(`${server.baseUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await fill(page, { username: ADMIN.username, password: ADMIN.password });
  await page.keyboard.press('Enter');
  await page.locator('#code').waitFor();
  await fill(page, { code: nextTotpCode(server.dataDir) });
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname !== '/login');
}

/** Signs a user in whose roles need no second factor (an agent): user name and password, Enter. */
export async function signInWithPassword(page: Page, baseUrl: string, o: { username: string; password: string }): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await fill(page, { username: o.username, password: o.password });
  await page.keyboard.press('Enter');
  await page.waitForURL((u) => u.pathname !== '/login');
}

/**
 * Picks `label` in the select whose input has id `field`, and checks it took (the field's text):
 * on a loaded machine a click can land while the dropdown is still animating, or after it closed,
 * and the value silently stays as it was. Each option click is bounded, so a missed one opens the
 * list again instead of waiting out the page's whole timeout on a hidden option.
 */
export async function pickOption(page: Page, field: string, label: string): Promise<void> {
  const item = page.locator('.ant-form-item').filter({ has: page.locator(`#${field}`) }).last(); // the innermost, in a Form.List
  await chooseOption(page, { open: page.locator(`#${field}`), option: label, took: async () => ((await item.textContent()) ?? '').includes(label) });
}

/** The same for any dropdown: `open` shows the list, `took` says whether the pick shows. */
export async function chooseOption(page: Page, o: { readonly open: Locator; readonly option: string | RegExp; readonly took: () => Promise<boolean> }): Promise<void> {
  for (let attempt = 0; attempt < 5; attempt++) {
    if (!(await page.locator('.ant-select-dropdown:visible').count())) await o.open.click({ timeout: 10_000 }).catch(() => undefined);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: o.option }).first().click({ timeout: 10_000 }).catch(() => undefined);
    if (await o.took()) return;
  }
  throw new Error(`${String(o.option)} could not be picked`);
}

/**
 * Clicks `target` until `shows` is visible (bounded): a click that lands while a dialog is still
 * opening can miss, as an option's can.
 */
export async function clickUntil(target: Locator, shows: Locator, attempts = 5): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    await target.click({ timeout: 10_000 }).catch(() => undefined);
    if (await shows.waitFor({ timeout: 10_000 }).then(() => true, () => false)) return;
  }
  throw new Error(`clicking did not show what was expected`);
}

/**
 * Clicks the open dialog's `button` until the dialog closes (bounded); a refusal the form shows ends
 * it at once with the refusal's text, so a failure names the reason instead of a timeout.
 */
export async function saveDialog(page: Page, button: string | RegExp): Promise<void> {
  const dialog = page.locator('.ant-modal:visible');
  for (let attempt = 0; attempt < 5; attempt++) {
    await dialog.getByRole('button', { name: button }).click({ timeout: 10_000 }).catch(() => undefined);
    if (await dialog.waitFor({ state: 'hidden', timeout: 30_000 }).then(() => true, () => false)) return;
    const errors = await dialog.locator('.ant-form-item-explain-error, .ant-alert-message').allTextContents();
    if (errors.length > 0) throw new Error(`the dialog refused: ${errors.join(' | ')}`);
  }
  throw new Error('the dialog did not close');
}

/**
 * Clicks `trigger`, then the popconfirm's `button`, until `done` shows (bounded): a click that lands
 * while the popover is still opening can miss, as a select's option can (the third fresh-clone CI run
 * of stop 22 waited 90 s for a token's "Revoked" that the missed click never asked for).
 */
export async function confirmPopover(page: Page, o: { readonly trigger: Locator; readonly button: string | RegExp; readonly done: Locator; readonly doneState?: 'visible' | 'detached' }): Promise<void> {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (!(await page.locator('.ant-popover:visible').count())) await o.trigger.click({ timeout: 10_000 }).catch(() => undefined);
    await page.locator('.ant-popover:visible').getByRole('button', { name: o.button }).click({ timeout: 10_000 }).catch(() => undefined);
    if (await o.done.waitFor({ state: o.doneState ?? 'visible', timeout: 15_000 }).then(() => true, () => false)) return;
  }
  throw new Error(`the popconfirm's ${o.button} did not lead to what was expected`);
}
