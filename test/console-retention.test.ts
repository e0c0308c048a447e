// The console's compliance screens (issues 14 and 16), in Debian Chromium against the real process
// recording every call (encrypted, AES-256-GCM, master key from the key file):
// - Retention: a policy with 0 days is refused by the server and its reason shows under the field;
//   with 30 days it is saved and listed, and the API holds it;
// - two recorded calls between baresip 1001 and 1002: the first is put on legal hold and tagged on
//   its call record, and both show after a reload, as the API stores them;
// - both calls are then made 400 days old in the database file (the process's clock cannot be
//   moved; the purge reads the stored end time), and "Purge now" reports one deleted and one kept on
//   legal hold: the second call's recording is gone, the held one's file is still there; the hold
//   is released on the record afterwards;
// - the master key card rotates with "retire old keys": the report counts the one file re-wrapped
//   and the old key retired, and the card shows the new current key as the API does;
// - every step is in the audit log; the screens in zh-CN, zh-TW and en show no raw key;
// - a supervisor (tags.write only) tags the call but sees no legal hold control and no Retention screen.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createClient } from '@libsql/client';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { clickUntil, confirmPopover, fieldError, fill, keysOf, locale, pageTitle, rawKeysShown, saveDialog, screenshot, signInAsAdmin, signInWithPassword, text } from './helpers/console-page.js';
import { recordedCall, type RecordedCall } from './helpers/recordings.js';
import { listCallRecords } from './helpers/cdrs.js';
import type { Phone } from './helpers/baresip.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WAIT = 90_000;
const DAY = 86_400_000;

type Retention = { tags: string[]; legalHoldReason: string | null; legalHoldBy: string | null; purgedAt: string | null };
type Stored = RecordedCall & { retention: Retention; recordingUrl: string | null };
type Keys = { encryption: string; currentKeyId: string; keyIds: string[]; source: string };

describe('console: retention policies, purge, master key, legal hold and tags', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let chrome: ChromiumSession;
  let page: Page;
  /** the first call (held and tagged) and the second (purged) */
  let held: RecordedCall;
  let spare: RecordedCall;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(['1001', '1002'], { HAILING_RECORD_CALLS: 'all' });
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    await signInAsAdmin(page, rig.server);
    await page.locator('.ant-layout-sider, nav').first().waitFor();
  });

  after(async () => {
    await chrome?.close();
    await rig?.close();
  });

  const api = <T>(method: string, route: string, body?: unknown) => rig.server.api<T>(method, route, body);
  const record = async (id: string) => (await api<Stored>('GET', `/api/v1/cdrs/${id}`)).body;
  const auditTargets = async (action: string) => (await api<{ items: { target: string | null; actor: string }[] }>('GET', `/api/v1/audit?action=${action}`)).body.items;

  /** 1001 calls 1002 (auto answer), 2 s of tones, hangs up; the record once its recording is filed */
  async function recordedTwoSecondCall(a: Phone): Promise<RecordedCall> {
    const before = (await listCallRecords(rig.server.api, '1001')).length;
    await a.dial('sip:1002@127.0.0.1');
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 2000));
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    const call = await recordedCall(rig.server.api, '1001');
    assert.equal((await listCallRecords(rig.server.api, '1001')).length, before + 1, 'a record of its own');
    assert.ok(call.recordingPath, `the call was recorded: ${JSON.stringify(call)}`);
    return call;
  }

  it('a policy: 0 days is refused under the field, 30 days is saved and listed', async () => {
    await page.goto(`${rig.server.baseUrl}/retention`);
    await pageTitle(page, 'Recording retention');
    await page.getByTestId('retention-worm').getByText('Off').waitFor();
    await page.getByTestId('retention-default-days').getByText('kept without end').waitFor();
    await clickUntil(page.getByTestId('retention-policy-new'), page.locator('.ant-modal #name'));
    await fill(page, { name: 'short', retainDays: '0' });
    await page.locator('.ant-modal').getByRole('button', { name: 'Save' }).click();
    assert.match(await fieldError(page, 'retainDays'), />=1/);
    await fill(page, { retainDays: '30' });
    await saveDialog(page, 'Save');
    const row = page.getByTestId('retention-policies').locator('tr', { hasText: 'short' });
    await row.getByText('30 days').waitFor();
    const settings = (await api<{ policies: { name: string; retainDays: number; direction: null; tag: null }[] }>('GET', '/api/v1/retention')).body;
    assert.deepEqual(settings.policies.map((p) => [p.name, p.retainDays, p.direction, p.tag]), [['short', 30, null, null]]);
    assert.equal((await auditTargets('retention.policy.create')).length, 1);
  });

  it('a call record is put on legal hold and tagged; both show after a reload, as the API stores them', async () => {
    const a = await rig.phone('1001', { tone: 400 });
    await rig.phone('1002', { tone: 800, answerMode: 'auto' });
    held = await recordedTwoSecondCall(a);
    spare = await recordedTwoSecondCall(a);
    assert.notEqual(held.id, spare.id);
    await page.goto(`${rig.server.baseUrl}/cdrs/${held.id}`);
    const drawer = page.locator('.ant-drawer');
    await drawer.getByTestId('legal-hold-state').getByText('Not held').waitFor();
    await drawer.getByTestId('legal-hold-reason').fill('litigation 2026-17');
    await clickUntil(drawer.getByTestId('legal-hold-set'), drawer.getByTestId('legal-hold-state').getByText('On legal hold'));
    await drawer.getByTestId('call-tags').fill('complaint, vip');
    await clickUntil(drawer.getByTestId('call-tags-save'), drawer.getByTestId('call-tags-stored').getByText('vip'));

    await page.reload();
    await drawer.getByTestId('legal-hold-state').getByText('On legal hold').waitFor();
    await drawer.getByTestId('legal-hold-state').getByText(/litigation 2026-17 \(by testadmin/).waitFor();
    assert.deepEqual(await drawer.getByTestId('call-tags-stored').locator('.ant-tag').allTextContents(), ['complaint', 'vip']);
    const stored = await record(held.id);
    assert.deepEqual([stored.retention.legalHoldReason, stored.retention.legalHoldBy, stored.retention.tags], ['litigation 2026-17', 'testadmin', ['complaint', 'vip']]);
    assert.deepEqual((await auditTargets('recording.legal-hold.set')).map((r) => r.target), [held.id]);
    assert.deepEqual((await auditTargets('cdr.tags')).map((r) => r.target), [held.id]);
  });

  it('purge now: the old unheld call is deleted, the held one kept, as the report says', async () => {
    // the process's clock cannot be moved: the two calls are made 400 days old where the purge reads it
    const db = createClient({ url: `file:${path.join(rig.server.dataDir, 'hailing.db')}` });
    try {
      const r = await db.execute({ sql: 'UPDATE call_records SET started_at = started_at - ?, answered_at = answered_at - ?, ended_at = ended_at - ? WHERE id IN (?, ?)', args: [400 * DAY, 400 * DAY, 400 * DAY, held.id, spare.id] });
      assert.equal(r.rowsAffected, 2);
    } finally {
      db.close();
    }
    const recordings = path.join(rig.server.dataDir, 'recordings');
    assert.ok(existsSync(path.join(recordings, spare.recordingPath!)), 'the second recording is on disk before the purge');
    await page.goto(`${rig.server.baseUrl}/retention`);
    await pageTitle(page, 'Recording retention');
    await clickUntil(page.getByTestId('retention-purge'), page.getByTestId('retention-purge-report'));
    await page.getByTestId('retention-purge-report').getByText('Purge done: 1 deleted, 1 kept on legal hold, 0 failed.').waitFor();
    const [kept, gone] = [await record(held.id), await record(spare.id)];
    assert.equal(kept.retention.purgedAt, null);
    assert.ok(kept.recordingUrl, 'the held call keeps its recording');
    assert.ok(existsSync(path.join(recordings, held.recordingPath!)), 'the held recording is on disk');
    assert.notEqual(gone.retention.purgedAt, null);
    assert.equal(gone.recordingUrl, null);
    assert.ok(!existsSync(path.join(recordings, spare.recordingPath!)), 'the purged recording is deleted');
    assert.deepEqual((await auditTargets('recording.purge')).map((r) => [r.actor, r.target]), [['system', spare.id]]);
    assert.equal((await auditTargets('retention.purge.run')).length, 1);
  });

  it('the master key is rotated with the old key retired; the card shows the report and the new key', async () => {
    const before = (await api<Keys>('GET', '/api/v1/recordings/keys')).body;
    assert.deepEqual([before.encryption, before.source, before.keyIds.length], ['aes-256-gcm', 'file', 1]);
    await page.getByTestId('master-key-current').getByText(before.currentKeyId).waitFor();
    await page.getByTestId('master-key-retire').check();
    await clickUntil(page.getByTestId('master-key-rotate'), page.getByTestId('key-rotation-report'));
    const now = (await api<Keys>('GET', '/api/v1/recordings/keys')).body;
    assert.notEqual(now.currentKeyId, before.currentKeyId);
    assert.deepEqual(now.keyIds, [now.currentKeyId], 'the old key was retired');
    // the held call's file is the one sealed file left: re-wrapped by the new key
    assert.equal(await page.getByTestId('key-rotation-rewrapped').textContent(), '1');
    assert.equal(await page.getByTestId('key-rotation-retired').textContent(), before.currentKeyId);
    await page.getByTestId('master-key-current').getByText(now.currentKeyId).waitFor();
    assert.deepEqual(await page.getByTestId('master-key-ids').locator('.ant-tag').allTextContents(), [now.currentKeyId]);
    // the re-wrapped recording still plays: the download decrypts under the new key
    const r = await fetch(`${rig.server.baseUrl}/api/v1/cdrs/${held.id}/recording`, { headers: { authorization: `Bearer ${await rig.server.token()}` } });
    assert.equal(r.status, 200);
    assert.ok((await r.arrayBuffer()).byteLength > 16_000, 'two seconds of audio');
    assert.equal((await auditTargets('recording.keys.rotate')).length, 1);
  });

  it('the Retention screen and the call record in zh-CN, zh-TW and en with no raw key', async () => {
    const keys = keysOf(locale('en'));
    for (const l of ['zh-CN', 'zh-TW', 'en']) {
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
      await page.goto(`${rig.server.baseUrl}/retention`);
      await pageTitle(page, text(locale(l), 'menu.retention'));
      await page.getByTestId('retention-policies').locator('tr', { hasText: 'short' }).waitFor();
      await page.getByTestId('master-key-current').waitFor();
      assert.deepEqual(await rawKeysShown(page, keys), [], `${l} retention`);
      await screenshot(page, l, 'retention');
      await page.goto(`${rig.server.baseUrl}/cdrs/${held.id}`);
      await page.locator('.ant-drawer').getByText(text(locale(l), 'retention.record.held')).waitFor();
      assert.deepEqual(await rawKeysShown(page, keys), [], `${l} call record`);
      await screenshot(page, l, 'call-record-retention');
    }
  });

  it('the legal hold is released on the call record; the API and the audit log say so', async () => {
    await page.goto(`${rig.server.baseUrl}/cdrs/${held.id}`);
    const drawer = page.locator('.ant-drawer');
    const state = drawer.getByTestId('legal-hold-state');
    await state.getByText('On legal hold').waitFor();
    await confirmPopover(page, { trigger: drawer.getByTestId('legal-hold-release'), button: 'Release the hold', done: state.getByText('Not held') });
    await page.reload();
    await state.getByText('Not held').waitFor();
    const stored = await record(held.id);
    assert.deepEqual([stored.retention.legalHoldReason, stored.retention.legalHoldBy, stored.retention.tags], [null, null, ['complaint', 'vip']]);
    assert.deepEqual((await auditTargets('recording.legal-hold.release')).map((r) => r.target), [held.id]);
  });

  it('the delete of a policy goes through the dialog', async () => {
    const row = page.getByTestId('retention-policies').locator('tr', { hasText: 'short' });
    await page.goto(`${rig.server.baseUrl}/retention`);
    await row.waitFor();
    await confirmPopover(page, { trigger: row.getByRole('button', { name: 'Delete' }), button: 'Delete', done: row, doneState: 'detached' });
    assert.deepEqual((await api<{ policies: unknown[] }>('GET', '/api/v1/retention')).body.policies, []);
    assert.equal((await auditTargets('retention.policy.delete')).length, 1);
  });

  it('a supervisor tags a call but has no legal hold controls and no Retention screen (its permissions)', async () => {
    const SUPERVISOR = { username: 'sue', password: 'supervisor-password-1' };
    assert.equal((await api('POST', '/api/v1/users', { ...SUPERVISOR, roles: ['supervisor'] })).status, 201);
    await page.context().clearCookies();
    await signInWithPassword(page, rig.server.baseUrl, SUPERVISOR);
    await page.goto(`${rig.server.baseUrl}/cdrs/${held.id}`);
    const drawer = page.locator('.ant-drawer');
    await drawer.getByTestId('legal-hold-state').getByText('Not held').waitFor();
    assert.equal(await drawer.getByTestId('legal-hold-set').count(), 0, 'no hold control without legal-hold.write');
    await drawer.getByTestId('call-tags').fill('complaint, vip, reviewed');
    await clickUntil(drawer.getByTestId('call-tags-save'), drawer.getByTestId('call-tags-stored').getByText('reviewed'));
    assert.deepEqual((await record(held.id)).retention.tags, ['complaint', 'vip', 'reviewed']);
    assert.deepEqual((await auditTargets('cdr.tags')).map((r) => [r.actor, r.target]).sort(), [['sue', held.id], ['testadmin', held.id]]);
    assert.equal(await page.locator('.ant-layout-sider').getByText('Recording retention').count(), 0, 'no Retention menu entry');
    await page.goto(`${rig.server.baseUrl}/retention`);
    await page.locator('.ant-result-404').waitFor();
    assert.equal(await page.getByTestId('retention-purge').count(), 0);
  });
});
