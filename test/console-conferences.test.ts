// The console's conference rooms screen (Debian Chromium, baresip, the real process): three phones
// with their own tones (1001 400 Hz, 1002 800 Hz, 1003 1200 Hz) dial room 3000 and the screen lists
// all three without a reload; 1002 muted from the screen is marked muted there and in the API, and
// 1001's decoded audio holds 1003's tone but not 1002's while it is muted and 1002's again after
// the unmute; 1003 removed from the screen: its phone's call ends and its row goes. Room settings:
// a PIN of two digits is refused under the PIN field (the server's reason), then room 3010 saved
// with a participant PIN, a moderator PIN and wait-for-moderator shows its tags, the API says
// hasPin without the PIN, and an edit removing the participant PIN keeps the moderator PIN.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { clickUntil, confirmPopover, fieldError, pageTitle, saveDialog, signInAsAdmin } from './helpers/console-page.js';
import { describeLevels, measureWallClock } from './helpers/tones.js';
import type { Phone } from './helpers/baresip.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WAIT = 90_000;
const ROOM = '3000';
const TONES: Record<string, number> = { '1001': 400, '1002': 800, '1003': 1200 };
/** heard: well above G.711 noise (calls-conference.test.ts uses the same figures) */
const HEARD_DB = -30;
const ABSENT_MARGIN_DB = 25;
/** jitter buffers and the mixer's change settle before a stretch is measured */
const SETTLE_MS = 800;
const STRETCH_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Rooms = { items: { room: string; members: { callId: string; number: string; muted: boolean }[] }[] };

describe('console: conference rooms', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let chrome: ChromiumSession;
  let page: Page;

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(Object.keys(TONES));
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    await signInAsAdmin(page, rig.server);
  });

  after(async () => {
    await chrome?.close();
    await rig?.close();
  });

  it('lists the members live, mutes one (nobody hears it, the API agrees) and removes one (its call ends)', async (t) => {
    await page.goto(`${rig.server.baseUrl}/conferences`);
    await pageTitle(page, 'Conference rooms');
    await page.getByText('No conference room is open').waitFor();
    const phones: Record<string, Phone> = {};
    for (const [user, tone] of Object.entries(TONES)) {
      phones[user] = await rig.phone(user, { tone, answerMode: 'auto' });
      await phones[user].dial(`sip:${ROOM}@127.0.0.1`);
      await phones[user].waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    }
    const card = page.getByTestId(`room-${ROOM}`);
    await card.getByText('Room 3000 (3 in the room)').waitFor();
    for (const user of Object.keys(TONES)) await card.getByText(new RegExp(`\\b${user}\\b`)).waitFor();
    const member = async (n: string) => (await rig.server.api<Rooms>('GET', '/api/v1/conferences')).body.items.find((r) => r.room === ROOM)?.members.find((m) => m.number === n);

    await page.getByTestId('mute-1002').click();
    await page.getByTestId('unmute-1002').waitFor();
    const mutedAt = Date.now();
    assert.equal((await member('1002'))?.muted, true, 'the API says 1002 is muted');
    await sleep(STRETCH_MS);
    const unmutedAt = Date.now();
    await page.getByTestId('unmute-1002').click();
    await page.getByTestId('mute-1002').waitFor();
    assert.equal((await member('1002'))?.muted, false, 'the API says 1002 is unmuted');
    await sleep(STRETCH_MS);
    const openEnd = Date.now();

    await confirmPopover(page, { trigger: page.getByTestId('kick-1003'), button: 'OK', done: page.getByTestId('kick-1003'), doneState: 'detached' });
    await phones['1003']!.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 30_000 });
    await page.getByTestId('kick-1003').waitFor({ state: 'detached' });
    await card.getByText('Room 3000 (2 in the room)').waitFor();
    assert.equal(await member('1003'), undefined, 'the API no longer lists 1003');

    const listener = phones['1001']!;
    await listener.hangup();
    await listener.waitForEvent({ type: 'CALL_CLOSED' });
    const [dump] = listener.decodedDumps();
    const closed = listener.events.find((e) => e.type === 'CALL_CLOSED');
    assert.ok(dump && closed, '1001 wrote a decoded dump and its call closed');
    const measure = async (from: number, to: number) => {
      const levels = await measureWallClock({ file: dump, hz: [800, 1200], endedAt: closed.at, from: from + SETTLE_MS, to: to - 200, minS: 1.5 });
      assert.ok(levels, `the stretch ${from}-${to} lies outside 1001's dump`);
      return levels;
    };
    const whileMuted = await measure(mutedAt, unmutedAt);
    const afterUnmute = await measure(unmutedAt, openEnd);
    t.diagnostic(`1001 while 1002 muted: ${describeLevels(whileMuted)}; after unmute: ${describeLevels(afterUnmute)}`);
    assert.ok(whileMuted.levels.get(1200)! > HEARD_DB, `1001 hears 1003 while 1002 is muted: ${describeLevels(whileMuted)}`);
    assert.ok(whileMuted.levels.get(800)! < whileMuted.levels.get(1200)! - ABSENT_MARGIN_DB, `1001 does not hear the muted 1002: ${describeLevels(whileMuted)}`);
    assert.ok(afterUnmute.levels.get(800)! > HEARD_DB, `1001 hears 1002 again after the unmute: ${describeLevels(afterUnmute)}`);
  });

  it('saves a room with a PIN: a bad PIN is refused under its field, the saved room shows its tags, the API never returns the PIN', async () => {
    await page.goto(`${rig.server.baseUrl}/conferences`);
    await pageTitle(page, 'Conference rooms');
    const dialog = page.locator('.ant-modal:visible');
    await clickUntil(page.getByTestId('room-settings-new'), dialog);
    await page.getByTestId('room-settings-room').fill('3010');
    await page.getByTestId('room-settings-name').fill('Board');
    await page.getByTestId('room-settings-pin').fill('12');
    await dialog.getByRole('button', { name: 'Save' }).click();
    assert.match(await fieldError(page, 'participantPin'), /4–12 digits/);
    await page.getByTestId('room-settings-pin').fill('4321');
    await page.getByTestId('room-settings-moderator-pin').fill('97531');
    await page.getByTestId('room-settings-wait').click();
    await saveDialog(page, 'Save');
    const row = page.getByTestId('room-settings-3010');
    for (const tag of ['PIN', 'Moderator PIN', 'Waits for moderator']) await row.getByText(tag, { exact: true }).waitFor();
    const saved = await rig.server.api<Record<string, unknown>>('GET', '/api/v1/conference-rooms/3010');
    assert.deepEqual([saved.status, saved.body['name'], saved.body['hasPin'], saved.body['hasModeratorPin'], saved.body['waitForModerator']], [200, 'Board', true, true, true]);
    assert.doesNotMatch(JSON.stringify(saved.body), /4321|97531/, 'the PINs never come back');

    await clickUntil(row.getByRole('button', { name: 'Edit' }), dialog);
    await dialog.getByText('No participant PIN').click();
    await saveDialog(page, 'Save');
    await row.getByText('Open', { exact: true }).waitFor();
    const edited = await rig.server.api<Record<string, unknown>>('GET', '/api/v1/conference-rooms/3010');
    assert.deepEqual([edited.body['hasPin'], edited.body['hasModeratorPin'], edited.body['waitForModerator']], [false, true, true], 'the moderator PIN kept');
  });
});
