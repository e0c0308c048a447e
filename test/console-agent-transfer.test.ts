// Acceptance (issue 16/15): the agent workspace's transfer, device choice and IVR attempts in
// Debian Chromium against the real process. The agent (extension 1002, fake microphone at 600 Hz)
// picks a microphone, which survives a reload; a baresip caller (1001, 800 Hz) goes through an IVR
// flow, keys a wrong 9 and then 2, and waits in the queue: the screen-pop lists both attempts. The
// agent answers in the page, a bad target is refused with the server's reason, then the agent
// transfers the caller to 1003 (baresip, 1000 Hz), which rings and answers; the caller and 1003 hear
// each other (sox on each phone's decoded audio).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describeLevels, measureTones, wavLengthS } from './helpers/tones.js';
import { chromiumMissing, launchChromium, makeToneWav, type ChromiumSession } from './helpers/browser.js';
import { chooseOption, keysOf, locale, rawKeysShown, screenshot, signInWithPassword } from './helpers/console-page.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WAIT = 60_000;
const AGENT_HZ = 600;
const CALLER_HZ = 800;
const TARGET_HZ = 1000;
const AGENT = { username: 'ana', password: 'agent-password-1' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ALL_KEYS = keysOf(locale('en'));

// a menu the caller gets wrong once; its attempts travel to the agent with the enqueue
const FLOW = {
  start: 'main',
  nodes: {
    main: { verb: 'menu', prompt: { say: 'Press two.' }, choices: { '2': 'agent' }, retries: 3, timeoutMs: 6000, invalidPrompt: { say: 'Sorry.' }, timeoutPrompt: { say: 'Again.' } },
    agent: { verb: 'enqueue', queue: 'sales' },
  },
};

describe('console: the agent transfers from the page, chooses its devices, sees the IVR attempts', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let chrome: ChromiumSession;
  let page: Page;
  let work: string;
  const ok = async (method: string, p: string, body?: unknown) => {
    const r = await rig.server.api(method, p, body);
    assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(['1001', '1002', '1003']);
    work = mkdtempSync(path.join(tmpdir(), 'hailing-console-transfer-'));
    const wav = path.join(work, `tone${AGENT_HZ}.wav`);
    await makeToneWav({ file: wav, hz: AGENT_HZ, seconds: 120 });
    chrome = await launchChromium({ fakeAudioFile: wav, locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
  });

  after(async () => {
    await chrome?.close();
    await rig?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('device choice kept over a reload; IVR attempts on the pop; blind transfer to 1003 with audio both ways', async (t) => {
    await ok('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales', ringTimeoutS: 60 });
    await ok('POST', '/api/v1/acd/agents', { id: 'ana', name: 'Ana', extension: '1002', pin: '2468' });
    await ok('POST', '/api/v1/acd/memberships', { agentId: 'ana', queueId: 'sales' });
    const flow = (await ok('POST', '/api/v1/ivr/flows', { name: 'sales', document: FLOW })).body as { id: number };
    await ok('POST', '/api/v1/dialplan', { pattern: '700', steps: [{ kind: 'flow', flow: flow.id }] });
    await ok('POST', '/api/v1/users', { ...AGENT, roles: ['agent'], extensions: ['1002'] });

    await signInWithPassword(page, rig.server.baseUrl, AGENT);
    await page.getByTestId('agent-login').click();
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor();

    // the devices: Chrome names them once the microphone was granted (the fake prompt grants it)
    const allow = page.getByTestId('softphone-devices-allow');
    if (await allow.isVisible()) await allow.click();
    await allow.waitFor({ state: 'detached' });
    const listed = async (testId: string) => {
      await page.getByTestId(testId).click();
      await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().waitFor();
      const names = await page.locator('.ant-select-dropdown:visible .ant-select-item-option').allTextContents();
      await page.keyboard.press('Escape');
      await page.locator('.ant-select-dropdown:visible').waitFor({ state: 'detached' }).catch(() => undefined);
      return names;
    };
    const mics = await listed('softphone-microphone');
    const speakers = await listed('softphone-speaker');
    assert.ok(mics.length >= 2 && mics[0] === 'System default', `microphones listed: ${JSON.stringify(mics)}`);
    assert.ok(speakers.length >= 2 && speakers[0] === 'System default', `speakers listed: ${JSON.stringify(speakers)}`);
    const mic = mics[1]!;
    const speaker = speakers[1]!;
    for (const [testId, name] of [['softphone-microphone', mic], ['softphone-speaker', speaker]] as const) {
      const select = page.getByTestId(testId);
      await chooseOption(page, { open: select, option: name, took: async () => ((await select.textContent()) ?? '').includes(name) });
    }
    await page.reload();
    await page.getByTestId('softphone-microphone').getByText(mic, { exact: true }).waitFor();
    await page.getByTestId('softphone-speaker').getByText(speaker, { exact: true }).waitFor();

    await page.getByTestId('softphone-switch').click();
    await page.getByTestId('softphone-registration').getByText('Registered').waitFor();

    const target = await rig.phone('1003', { tone: TARGET_HZ, answerMode: 'auto' });
    const caller = await rig.phone('1001', { tone: CALLER_HZ, answerMode: 'auto' });
    await caller.dial('sip:700@127.0.0.1');
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(2500);
    await caller.sendDigits('9');
    await sleep(2500);
    await caller.sendDigits('2');

    // the pop lists what the caller keyed: the wrong 9 (not valid), then 2 (accepted)
    const attempts = page.getByTestId('screen-pop-attempts');
    await attempts.waitFor();
    const rows = (await attempts.locator('tbody tr').allTextContents()).map((r) => r.replace(/\s+/g, ' '));
    assert.deepEqual(rows, ['main19 (keys)not valid', 'main22 (keys)accepted'], JSON.stringify(rows));
    assert.deepEqual(await rawKeysShown(page, ALL_KEYS), [], 'no untranslated key on the ringing workspace');
    await screenshot(page, 'en', 'agent-ivr-attempts');

    await page.locator('[data-testid="softphone-call"][data-call="ringing"]').waitFor();
    await page.getByTestId('softphone-answer').click();
    await page.locator('[data-testid="softphone-call"][data-call="talking"]').waitFor();
    await sleep(2000);

    // a target the server refuses: its reason (naming the field) is shown, the call goes on
    await page.getByTestId('softphone-transfer').click();
    await page.getByTestId('softphone-transfer-target').fill('12a');
    await page.getByTestId('softphone-transfer-go').click();
    await page.getByTestId('softphone').locator('.ant-alert-error').getByText(/target/).waitFor();
    assert.equal(await page.getByTestId('softphone-call').getAttribute('data-call'), 'talking');

    await page.getByTestId('softphone-transfer-target').fill('1003');
    await screenshot(page, 'en', 'agent-transfer');
    await page.getByTestId('softphone-transfer-go').click();
    await target.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the agent is released
    await page.locator('[data-testid="softphone-call"]:not([data-call="talking"])').waitFor();
    // the agent's part ended with the transfer (the queue has no wrap-up): free for the next call
    // while the caller still talks to 1003
    await page.locator('[data-testid="agent-state"][data-state="available"]').waitFor();
    const audit = (await ok('GET', '/api/v1/audit?action=acd.agent.transfer')).body as { items: { actor: string }[] };
    assert.deepEqual(audit.items.map((r) => r.actor), [AGENT.username]);
    await sleep(5000);
    await caller.hangup();
    await target.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 15_000 });
    await caller.stop();
    await target.stop();

    // 1003 hears the caller; the caller's last seconds are 1003's tone (before: prompts, then the agent)
    const [atTarget] = target.decodedDumps();
    assert.ok(atTarget && (await wavLengthS(atTarget)) >= 3, 'at least 3 s of talk at 1003');
    const t1 = await measureTones({ file: atTarget, hz: [CALLER_HZ, TARGET_HZ, AGENT_HZ], startS: 0.5, durationS: 60 });
    assert.ok(t1.levels.get(CALLER_HZ)! > -40 && t1.levels.get(CALLER_HZ)! > t1.levels.get(TARGET_HZ)! + 20, `1003 hears the caller: ${describeLevels(t1)}`);
    const dumps = caller.decodedDumps();
    const atCaller = dumps[dumps.length - 1]!;
    const length = await wavLengthS(atCaller);
    const t2 = await measureTones({ file: atCaller, hz: [TARGET_HZ, CALLER_HZ, AGENT_HZ], startS: Math.max(0, length - 3.5), durationS: 3 });
    t.diagnostic(`at 1003: ${describeLevels(t1)}; caller's last 3 s: ${describeLevels(t2)}`);
    assert.ok(t2.levels.get(TARGET_HZ)! > -40 && t2.levels.get(TARGET_HZ)! > t2.levels.get(AGENT_HZ)! + 20, `the caller hears 1003 at the end: ${describeLevels(t2)}`);
  });
});
