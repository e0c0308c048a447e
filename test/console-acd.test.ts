// The console's ACD screens (issues 16 and 17) in Debian Chromium against the real process with
// baresip phones: a queue and an agent made in the forms (refusals shown under the fields they
// name), the wallboard showing them, a real caller dialling the queue moving the board's waiting
// count without a reload to what GET /api/v1/acd/live says, the agent's state forced from the board
// (log in: the agent's phone rings and answers; the call in progress on the board; a break),
// the monitor codes, the interval report agreeing with the API, and every ACD screen in zh-CN,
// zh-TW and en with no raw key (screenshots in test-output/console/<locale>/).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import type { Phone } from './helpers/baresip.js';
import { chooseOption, clickUntil, fieldError, saveDialog, fill, keysOf, locale, pageTitle, pickOption, rawKeysShown, screenshot, signInAsAdmin, text as textIn } from './helpers/console-page.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const en = locale('en');
const text = (key: string) => textIn(en, key);
const WAIT = 90_000;
type Live = { queues: { id: string; waiting: number; callers: { id: string; caller: string }[] }[]; agents: { id: string; state: string; breakReason: string | null; work: { caller: string }[] }[] };

describe('console: ACD queues, agents, wallboard and interval report', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  let caller: Phone;
  let agentPhone: Phone;
  const problems: string[] = [];

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    rig = await startExtensionPhones(['1001', '1002']);
    server = rig.server;
    chrome = await launchChromium({ locale: 'en-GB' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    watch(page);
    await signInAsAdmin(page, server);
    await page.locator('[data-testid="page-title"]').waitFor();
  });

  after(async () => {
    await chrome?.close();
    await rig?.close();
  });

  /** page errors and Content-Security-Policy refusals (ECharts' canvas and styles among them) */
  const watch = (p: Page) => {
    p.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    p.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
  };
  const live = async () => (await server.api<Live>('GET', '/api/v1/acd/live')).body;
  const save = () => page.locator('.ant-modal').getByRole('button', { name: text('common.save') }).click();
  /** the figure a wallboard card shows, e.g. waiting-sales */
  const figure = (testId: string) => page.getByTestId(testId).locator('.ant-statistic-content');
  const agentState = (id: string) => page.getByTestId(`agent-state-${id}`);

  it('a skill, a queue and an agent with a skill level made in the forms, with the server’s refusals under the fields they name', async () => {
    await page.goto(`${server.baseUrl}/acd/skills`);
    await pageTitle(page, text('menu.acdSkills'));
    await fill(page, { name: 'English' });
    await page.getByTestId('skill-add').click();
    assert.match(await fieldError(page, 'name'), /a skill name is 1 to 32 of a-z/);
    await fill(page, { name: 'english' });
    await page.getByTestId('skill-add').click();
    await page.getByRole('cell', { name: 'english', exact: true }).waitFor();

    await page.goto(`${server.baseUrl}/acd/queues`);
    await pageTitle(page, text('menu.acdQueues'));
    await page.getByTestId('queue-new').click();
    await fill(page, { id: 'sales', name: 'Sales', overflow: '{"kind": "queue", "queue": "nowhere"}' });
    await save();
    assert.match(await fieldError(page, 'overflow'), /unknown queue nowhere/);
    await fill(page, { overflow: 'null', requirements: '[{"skill": "english", "minLevel": 500}]' });
    await save();
    assert.match(await fieldError(page, 'requirements'), /a level is 1 to 100/);
    await fill(page, { requirements: '[]' });
    await save();
    await page.getByRole('cell', { name: 'Sales', exact: true }).waitFor();
    // edited: the form sends the whole queue back (PUT), the rest unchanged
    await page.getByRole('row', { name: /Sales/ }).getByRole('button', { name: text('common.edit') }).click();
    await fill(page, { serviceLevelS: '30' });
    await save();
    await page.getByRole('cell', { name: '30', exact: true }).waitFor();
    const queue = await server.api<{ id: string; name: string; strategy: string; maxWaitS: number; serviceLevelS: number; requirements: unknown[]; overflow: unknown }>('GET', '/api/v1/acd/queues/sales');
    assert.deepEqual([queue.status, queue.body.name, queue.body.strategy, queue.body.maxWaitS, queue.body.serviceLevelS, queue.body.requirements, queue.body.overflow], [200, 'Sales', 'ring-all', 0, 30, [], null]);

    await page.goto(`${server.baseUrl}/acd/agents`);
    await pageTitle(page, text('menu.acdAgents'));
    await page.getByTestId('agent-new').click();
    await fill(page, { id: 'bo', name: 'Bo', extension: '1002' });
    await save();
    assert.match(await fieldError(page, 'pin'), /needs a PIN/);
    await fill(page, { pin: '4321' });
    await page.locator('.ant-modal').getByRole('button', { name: text('acd.agent.addSkill') }).click();
    await pickOption(page, 'skills_0_skill', 'english');
    await fill(page, { skills_0_level: '70' });
    await save();
    const row = page.getByRole('row', { name: /Bo/ });
    await row.waitFor();
    await row.getByRole('button', { name: /expand/i }).click();
    await pickOption(page, 'queueId', 'Sales');
    await page.getByTestId('membership-add-bo').click();
    await page.getByTestId('memberships-bo').getByText('Sales (penalty 0)').waitFor();
    // edited with the PIN left empty: the PIN is kept (the API refuses a new agent without one)
    await row.getByRole('button', { name: text('common.edit') }).click();
    await fill(page, { maxMissed: '5' });
    await saveDialog(page, text('common.save'));
    const agent = await server.api<{ name: string; extension: string; pin?: string; skills: Record<string, number>; maxMissed: number }>('GET', '/api/v1/acd/agents/bo');
    assert.deepEqual([agent.body.name, agent.body.extension, agent.body.pin, agent.body.skills, agent.body.maxMissed], ['Bo', '1002', undefined, { english: 70 }, 5]);
    const memberships = await server.api<{ items: { agentId: string; queueId: string; penalty: number }[] }>('GET', '/api/v1/acd/memberships');
    assert.deepEqual(memberships.body.items.map((m) => [m.agentId, m.queueId, m.penalty]), [['bo', 'sales', 0]]);
  });

  it('the wallboard follows a real caller without a reload and agrees with /acd/live; the agent’s state is forced from the board', async () => {
    assert.equal((await server.api('POST', '/api/v1/dialplan', { pattern: '700', steps: [{ kind: 'queue', queue: 'sales' }] })).status, 201);
    await page.goto(`${server.baseUrl}/wallboard`);
    await pageTitle(page, text('menu.wallboard'));
    await page.getByTestId('queue-card-sales').waitFor();
    await figure('waiting-sales').getByText('0', { exact: true }).waitFor();
    await agentState('bo').getByText(text('wallboard.states.logged-out')).waitFor();
    await page.evaluate('window.noReload = 42');

    caller = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    agentPhone = await rig.phone('1002', { tone: 800, answerMode: 'manual' });
    await caller.dial('sip:700@127.0.0.1');
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await figure('waiting-sales').getByText('1', { exact: true }).waitFor();
    const floor = await live();
    assert.equal(floor.queues.find((q) => q.id === 'sales')?.waiting, 1, 'the API agrees with the board');
    assert.deepEqual(floor.queues.find((q) => q.id === 'sales')?.callers.map((c) => c.caller), ['1001']);
    await page.getByTestId('wallboard-callers').getByRole('cell', { name: '1001', exact: true }).waitFor();

    // log the agent in from the board: the waiting caller is offered at once, the phone rings
    await page.getByTestId('force-bo').click();
    await page.locator('.ant-modal').getByText(text('wallboard.actions.login'), { exact: true }).click();
    await save();
    await agentPhone.waitForEvent({ type: 'CALL_INCOMING', timeoutMs: 15_000 });
    assert.notEqual((await live()).agents.find((a) => a.id === 'bo')?.state, 'logged-out', 'the API has the agent logged in');
    await agentPhone.answer();
    await agentPhone.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await agentState('bo').getByText(text('wallboard.states.on-call')).waitFor();
    await figure('waiting-sales').getByText('0', { exact: true }).waitFor();
    await page.getByTestId('wallboard-calls').getByRole('cell', { name: '1001', exact: true }).waitFor();
    const talking = await live();
    assert.deepEqual([talking.queues[0]?.waiting, talking.agents[0]?.state, talking.agents[0]?.work.map((w) => w.caller)], [0, 'on-call', ['1001']]);

    // the monitor codes for this agent's extension
    await page.getByTestId('monitor-bo').click();
    await page.getByTestId('monitor-codes').getByText('*2221002').waitFor();
    await page.getByTestId('monitor-codes').getByText('*2241002').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('monitor-codes').waitFor({ state: 'hidden' });

    await caller.hangup();
    await agentPhone.waitForEvent({ type: 'CALL_CLOSED' });
    await agentState('bo').getByText(text('wallboard.states.available')).waitFor();
    // a break with its reason, forced from the board
    const forceDialog = page.locator('.ant-modal:visible').filter({ has: page.getByTestId('force-action') });
    await clickUntil(page.getByTestId('force-bo'), forceDialog);
    await clickUntil(forceDialog.getByText(text('wallboard.actions.break'), { exact: true }), forceDialog.locator('#reason'));
    await fill(page, { reason: 'coaching' });
    await saveDialog(page, text('common.save'));
    await agentState('bo').getByText(/coaching/).waitFor();
    const onBreak = (await live()).agents.find((a) => a.id === 'bo');
    assert.deepEqual([onBreak?.state, onBreak?.breakReason], ['break', 'coaching']);
    assert.equal(await page.evaluate('window.noReload'), 42, 'the page was reloaded');
  });

  it('after the event stream reconnects the board asks for the snapshot again (missed changes show, counted once); a waiting caller is moved from the board', async () => {
    // the board's WebSocket through a relay the test can mute and cut; after the cut, the server's
    // own acd.snapshot on connect is withheld, so only the board's GET /acd/live can catch it up
    let mute = false;
    let connections = 0;
    const sockets: { close(): Promise<void> }[] = [];
    const board = await chrome.newPage();
    board.setDefaultTimeout(WAIT);
    watch(board);
    await board.routeWebSocket(/\/api\/v1\/events$/, (ws) => {
      const n = ++connections;
      const upstream = ws.connectToServer();
      upstream.onMessage((m) => {
        if (mute || (n > 1 && typeof m === 'string' && m.includes('"type":"acd.snapshot"'))) return;
        ws.send(m);
      });
      sockets.push(ws);
    });
    await board.goto(`${server.baseUrl}/wallboard`);
    await board.getByTestId('queue-card-sales').waitFor();
    await board.getByTestId('wallboard-live').getByText(text('registrations.live')).waitFor();
    // a queue made while the board is open arrives as a delta
    assert.equal((await server.api('POST', '/api/v1/acd/queues', { id: 'support', name: 'Support' })).status, 201);
    await board.getByTestId('queue-card-support').waitFor();
    const boardFigure = (id: string) => board.getByTestId(id).locator('.ant-statistic-content');
    await boardFigure('waiting-sales').getByText('0', { exact: true }).waitFor();

    mute = true;
    const since = caller.events.length;
    await caller.dial('sip:700@127.0.0.1');
    await caller.waitForEvent({ type: 'CALL_ESTABLISHED', since });
    for (let i = 0; (await live()).queues.find((q) => q.id === 'sales')?.waiting !== 1; i++) {
      assert.ok(i < 100, 'the caller is in the queue');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await boardFigure('waiting-sales').innerText(), '0', 'the muted board has not heard of the caller');
    mute = false;
    await sockets[0]!.close();
    await boardFigure('waiting-sales').getByText('1', { exact: true }).waitFor();
    assert.ok(connections >= 2, 'the board reconnected');
    assert.equal(await board.getByTestId('wallboard-callers').locator('tbody tr.ant-table-row').count(), 1, 'the caller is listed once');

    // move the caller to Support from the board: the queue handler takes it into the other queue
    const waiting = (await live()).queues.find((q) => q.id === 'sales')!;
    const id = waiting.callers[0]!.id;
    const moved = boardFigure('waiting-support').getByText('1', { exact: true });
    await chooseOption(board, { open: board.getByTestId(`move-${id}`), option: 'Support', took: () => moved.waitFor({ timeout: 15_000 }).then(() => true, () => false) });
    await boardFigure('waiting-sales').getByText('0', { exact: true }).waitFor();
    const after = await live();
    assert.deepEqual(after.queues.map((q) => [q.id, q.waiting]).sort(), [['sales', 0], ['support', 1]]);
    await caller.hangup();
    await boardFigure('waiting-support').getByText('0', { exact: true }).waitFor();
    await board.close();
  });

  it('the interval report shows today’s entered and answered as the API has them', async () => {
    // all queues: the answered caller, and the one moved from sales to support (it entered both)
    const api = await server.api<{ items: { entered: number; answered: number }[] }>('GET', '/api/v1/acd/intervals');
    const entered = api.body.items.reduce((n, r) => n + r.entered, 0);
    assert.ok(entered >= 2, `entered: ${entered}`);
    await page.goto(`${server.baseUrl}/acd/intervals`);
    await pageTitle(page, text('menu.acdIntervals'));
    await page.getByTestId('intervals-chart').locator('canvas').waitFor();
    const rows = page.getByTestId('intervals-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    let shown = [0, 0];
    for (const row of await rows.all()) {
      const cells = await row.locator('td').allInnerTexts();
      shown = [shown[0]! + Number(cells[1]), shown[1]! + Number(cells[2])];
    }
    assert.deepEqual(shown, [entered, api.body.items.reduce((n, r) => n + r.answered, 0)]);
    assert.equal(shown[1], 1);
  });

  it('every ACD screen in zh-CN, zh-TW and en with no raw key; the TV face has no menu', async () => {
    const keys = keysOf(en);
    for (const l of ['zh-CN', 'zh-TW', 'en']) {
      await page.evaluate(`window.localStorage.setItem('hailing.language', ${JSON.stringify(l)})`);
      for (const [name, route, title] of [
        ['acd-queues', '/acd/queues', 'menu.acdQueues'],
        ['acd-agents', '/acd/agents', 'menu.acdAgents'],
        ['acd-skills', '/acd/skills', 'menu.acdSkills'],
        ['wallboard', '/wallboard', 'menu.wallboard'],
        ['acd-intervals', '/acd/intervals', 'menu.acdIntervals'],
      ] as const) {
        await page.goto(`${server.baseUrl}${route}`);
        await pageTitle(page, textIn(locale(l), title));
        await page.locator('.ant-spin-spinning').first().waitFor({ state: 'detached' }).catch(() => undefined);
        assert.deepEqual(await rawKeysShown(page, keys), [], `${l} ${name}`);
        await screenshot(page, l, name);
      }
    }
    await page.goto(`${server.baseUrl}/wallboard?tv=1`);
    await page.getByTestId('queue-card-sales').waitFor();
    await screenshot(page, 'en', 'wallboard-tv');
    assert.equal(await page.locator('nav').count(), 0, 'no menu on the TV face');
    assert.equal(await page.getByTestId('force-bo').count(), 0, 'no controls on the TV face');
    assert.deepEqual(problems, []);
  });
});
