// The console's first-run setup (Debian Chromium, baresip, the real process): the administrator of
// a new server lands on /setup after signing in; the SIP domain and public address are shown with
// the variables to set; the reachability check (a SIP OPTIONS Hailing sends to its own public
// address) says reached, with the loopback warning; two extensions are created with passwords shown
// once (a range that overlaps is refused with the reason under the starting number); the test number
// is created, a baresip phone registers with a password read off the page, dials it and hears the
// spoken sentence, and the page reports the call answered with audio from the phone; finishing
// stores the flag, so sign-in no longer opens the setup. A server whose public address is not this
// machine is reported not reached, with why, and so is one where another SIP server answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, type HailingProcess } from './helpers/hailing-process.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { fieldError, fill, pageTitle, signInAsAdmin } from './helpers/console-page.js';
import { readSamples, rmsDbfs, wavLengthS } from './helpers/tones.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WAIT = 90_000;
type Reach = { reached: boolean; target: string; status: number | null; reason: string; warnings: string[] };

describe('console: first-run setup', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  const phones: Phone[] = [];

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    server = await startHailing();
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
  });

  after(async () => {
    await stopPhones(phones);
    await chrome?.close();
    await server?.kill();
  });

  it('opens after sign-in on a new server and shows the address, with the reachability check reached', async () => {
    await signInAsAdmin(page, server);
    await pageTitle(page, 'First-run setup');
    assert.equal(new URL(page.url()).pathname, '/setup');
    assert.equal(await page.getByTestId('setup-domain').textContent(), '127.0.0.1');
    await page.getByText('HAILING_PUBLIC_ADDRESS').waitFor();
    await page.getByTestId('setup-reach').click();
    const result = page.getByTestId('setup-reach-result');
    await result.waitFor();
    const shown = (await result.textContent()) ?? '';
    assert.match(shown, new RegExp(`Reached: sip:127\\.0\\.0\\.1:${server.ports.sip};transport=udp`));
    assert.match(shown, /this Hailing answered 200/);
    assert.match(shown, /loopback address/);
  });

  it('creates the first extensions with passwords shown once; an overlapping range is refused under the starting number', async () => {
    await page.getByTestId('setup-next').click();
    await fill(page, { start: '2001', count: '2' });
    await page.getByTestId('setup-create').click();
    const table = page.getByTestId('setup-created');
    await table.getByText('2002').waitFor();
    const listed = await server.api<{ items: { number: string }[] }>('GET', '/api/v1/extensions');
    assert.deepEqual(listed.body.items.map((e) => e.number), ['2001', '2002']);
    await fill(page, { start: '2002' });
    await page.getByTestId('setup-create').click();
    assert.match(await fieldError(page, 'start'), /extension 2002 exists/);
  });

  it('a phone registered with a password from the page dials the test number, hears it, and the page says it worked', async () => {
    const row = page.getByTestId('setup-created').locator('tr', { hasText: '2001' });
    const password = ((await row.locator('code').textContent()) ?? '').trim();
    assert.match(password, /^[A-Za-z0-9_-]{16}$/);
    await page.getByTestId('setup-next').click();
    await page.getByTestId('setup-test-create').click();
    await page.getByTestId('setup-test-dial').getByText('Dial 9999').waitFor();

    const phone = await registeredPhone({ user: '2001', password, domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', tone: 500 }, phones);
    await phone.dial('sip:9999@127.0.0.1');
    await phone.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the sentence lasts a few seconds; Hailing ends the call when the plan's steps are done
    await phone.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 30_000 });
    const result = page.getByTestId('setup-test-result');
    await result.getByText('Test call from 2001 worked').waitFor();
    assert.match((await result.textContent()) ?? '', /Answered/);
    const [dump] = phone.decodedDumps();
    assert.ok(dump, 'the phone wrote what it heard');
    const heard = rmsDbfs(await readSamples({ file: dump, startS: 0, durationS: await wavLengthS(dump) }));
    assert.ok(heard > -40, `the phone heard the spoken sentence (RMS ${heard.toFixed(1)} dBFS)`);
  });

  it('finishing stores the flag: the session no longer asks for the setup and sign-in lands elsewhere', async () => {
    await page.getByTestId('setup-finish').click();
    await page.waitForURL((u) => u.pathname !== '/setup');
    const state = await server.api<{ completed: boolean; completedBy: string; outcome: string }>('GET', '/api/v1/setup');
    assert.equal(state.body.completed, true);
    assert.equal(state.body.outcome, 'completed');
    const session = await server.api<{ setupPending: boolean }>('GET', '/api/v1/auth/session');
    assert.equal(session.body.setupPending, false);
    await page.goto(`${server.baseUrl}/`);
    await page.waitForURL((u) => u.pathname !== '/');
    assert.notEqual(new URL(page.url()).pathname, '/setup');
  });

  it('a public address that is not this machine is reported not reached, with why', async () => {
    const other = await startHailing({ env: { HAILING_PUBLIC_ADDRESS: '127.0.0.2' } });
    try {
      const r = await other.api<Reach>('POST', '/api/v1/setup/reachability');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.reached, false, JSON.stringify(r.body));
      assert.match(r.body.reason, /127\.0\.0\.2/);
      assert.match(r.body.reason, /no answer within 5 s|nothing answers SIP there/);
      const bad = await other.api<{ issues: { path: string }[] }>('POST', '/api/v1/setup/extensions', { start: '1a', count: 2 });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /start/);
    } finally {
      await other.kill();
      rmSync(other.dataDir, { recursive: true, force: true });
    }
  });
  it('an answer from another SIP server at the public address is not taken for this one', async () => {
    const other = await startHailing({ env: { HAILING_PUBLIC_ADDRESS: '127.0.0.3' } });
    // a stand-in SIP server on the public address and Hailing's port: 200 to any request
    const imposter = createSocket('udp4');
    imposter.on('message', (msg, from) => {
      const text = msg.toString();
      const copy = text.split('\r\n').filter((l) => /^(Via|From|To|Call-ID|CSeq):/i.test(l));
      imposter.send(`SIP/2.0 200 OK\r\n${copy.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`, from.port, from.address);
    });
    await new Promise<void>((resolve) => imposter.bind(other.ports.sip, '127.0.0.3', resolve));
    try {
      const r = await other.api<Reach>('POST', '/api/v1/setup/reachability');
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.reached, false, JSON.stringify(r.body));
      assert.equal(r.body.status, 200);
      assert.match(r.body.reason, /never reached this Hailing: another SIP server or a SIP ALG answers there/);
    } finally {
      imposter.close();
      await other.kill();
      rmSync(other.dataDir, { recursive: true, force: true });
    }
  });
});
