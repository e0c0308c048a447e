// The console's carrier screens (issues 11 and 16) in Debian Chromium against the real process: an
// ip trunk made in the form reaches the API with its addresses and number format, a malformed host
// is refused with the server's reason under the field, a DID made on the numbers screen runs the
// steps typed as JSON, and the calendar check answers what GET /calendars/{id}/at answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { fieldError, fill, pageTitle, pickOption, signInAsAdmin } from './helpers/console-page.js';
import { createTestCa } from './helpers/test-ca.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
type Tree = { [k: string]: string | Tree };
const en = JSON.parse(readFileSync(path.join(root, 'web/src/i18n/locales/en.json'), 'utf8')) as Tree;
const text = (key: string): string => key.split('.').reduce<string | Tree>((t, k) => (t as Tree)[k]!, en) as string;
const WAIT = 90_000;

describe('console: trunks, numbers and calendars screens', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    server = await startHailing();
    chrome = await launchChromium({ locale: 'en-GB' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    await signInAsAdmin(page, server);
    await page.locator('[data-testid="page-title"]').waitFor();
  });

  after(async () => {
    await chrome?.close();
    await server?.kill();
  });

  const pick = (field: string, option: string) => pickOption(page, field, option);

  it('an ip trunk made in the form is in the API with its addresses and number format; a bad host gets the reason under the field', async () => {
    await page.goto(`${server.baseUrl}/trunks`);
    await pageTitle(page, text('menu.trunks'));
    await page.getByTestId('trunk-new').click();
    await fill(page, { name: 'carrier-a', host: 'bad host!' });
    await pick('kind', text('trunks.kinds.ip'));
    await fill(page, { addresses: '203.0.113.10\n198.51.100.0/24' });
    await pick('numberFormat', text('trunks.numberFormats.e164'));
    await page.getByRole('button', { name: text('common.save') }).click();
    assert.match(await fieldError(page, 'host'), /DNS name|address/);
    await fill(page, { host: 'sbc.carrier.example' });
    await page.getByRole('button', { name: text('common.save') }).click();
    await page.getByRole('cell', { name: 'carrier-a' }).waitFor();
    const list = await server.api<{ items: { name: string; kind: string; host: string; addresses: string[]; numberFormat: string; hasSecret: boolean }[] }>('GET', '/api/v1/trunks');
    const made = list.body.items.find((tr) => tr.name === 'carrier-a');
    assert.deepEqual(made && [made.kind, made.host, made.addresses, made.numberFormat, made.hasSecret], ['ip', 'sbc.carrier.example', ['203.0.113.10', '198.51.100.0/24'], 'e164', false]);
  });

  it('a TLS trunk shows the certificate settings; a CA that is not PEM gets the reason under its field, a real one is saved with verification on', async () => {
    const ca = createTestCa();
    try {
      await page.getByTestId('trunk-new').click();
      await fill(page, { name: 'carrier-tls', host: 'sbc.carrier.example' });
      await pick('kind', text('trunks.kinds.ip'));
      await fill(page, { addresses: '203.0.113.20' });
      await pick('transport', 'TLS');
      await fill(page, { tls_ca: 'not a certificate' });
      await page.getByRole('button', { name: text('common.save') }).click();
      assert.match(await fieldError(page, 'tls_ca'), /PEM/);
      await fill(page, { tls_ca: ca.cert });
      await page.getByRole('button', { name: text('common.save') }).click();
      await page.getByRole('cell', { name: 'carrier-tls' }).waitFor();
      const list = await server.api<{ items: { name: string; transport?: string; tls: { verify: boolean; ca: string | null } }[] }>('GET', '/api/v1/trunks');
      const made = list.body.items.find((tr) => tr.name === 'carrier-tls');
      assert.deepEqual(made && [made.transport, made.tls.verify, made.tls.ca?.trim()], ['tls', true, ca.cert.trim()]);
    } finally {
      ca.close();
    }
  });

  it('a DID made on the numbers screen holds the steps typed as JSON; JSON the server refuses shows its reason', async () => {
    assert.equal((await server.api('POST', '/api/v1/extensions', { number: '1001', password: 'secret-1001-x' })).status, 201);
    await page.goto(`${server.baseUrl}/numbers`);
    await pageTitle(page, text('menu.numbers'));
    await page.getByTestId('did-new').click();
    await fill(page, { number: '02150001000', last: '02150001009', steps: '[{"kind": "nonsense"}]' });
    await page.getByRole('button', { name: text('common.save') }).click();
    await page.locator('.ant-modal').getByRole('alert').or(page.locator('.ant-form-item-explain-error')).first().waitFor();
    await fill(page, { steps: '[{"kind": "extension", "number": "1001"}]' });
    await page.getByRole('button', { name: text('common.save') }).click();
    await page.getByRole('cell', { name: '02150001000 – 02150001009' }).waitFor().catch(async (err: unknown) => {
      throw new Error(`${String(err)}\nthe dialog says: ${await page.locator('.ant-modal').innerText().catch(() => '(closed)')}`);
    });
    const dids = await server.api<{ items: { number: string; last: string; steps: unknown[] }[] }>('GET', '/api/v1/dids');
    assert.deepEqual(dids.body.items.map((d) => [d.number, d.last, d.steps]), [['02150001000', '02150001009', [{ kind: 'extension', number: '1001' }]]]);
  });

  it('the calendar check answers open or closed as the at endpoint does', async () => {
    const weekly = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] };
    const made = await server.api<{ id: number }>('POST', '/api/v1/calendars', { name: 'never-open', timeZone: 'Asia/Shanghai', weekly });
    assert.equal(made.status, 201);
    await page.goto(`${server.baseUrl}/calendars`);
    await pageTitle(page, text('menu.calendars'));
    await page.getByRole('row', { name: /never-open/ }).getByRole('radio').check();
    await page.getByTestId('calendar-ask').click();
    const decision = page.getByTestId('calendar-decision');
    await decision.waitFor();
    const at = await server.api<{ open: boolean; source: string }>('GET', `/api/v1/calendars/${made.body.id}/at`);
    assert.equal(at.body.open, false);
    await decision.getByText(text('calendars.closed'), { exact: true }).waitFor();
    await decision.getByText(text(`calendars.sources.${at.body.source}`), { exact: true }).waitFor();
  });
});
