// Drives the web console in Debian Chromium (playwright-core): the form fields by their labels'
// ids (Ant Design gives each Form.Item input the field name as id), errors as Ant Design renders
// them under the field, screenshots into test-output/console/<locale>/.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';

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
