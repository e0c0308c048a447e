// The console's speech screens (Debian Chromium, baresip, the real process with call recording and
// the fixture digit recogniser as its transcription model):
// - models: the manifest's models listed, one installed from an archive uploaded from the browser
//   (tiny real ONNX files with the metadata sherpa-onnx reads: server/speech/testing/archives.ts),
//   shown with its pinned checksum as the API says; an archive on the server whose encoder lacks
//   decode_chunk_len refused with the server's reason on the screen and nothing installed; verify; remove.
// - transcripts: a baresip caller speaks digits into a recorded call; after the hang-up the call
//   record's detail shows the caller's segments with their times and exactly the API's text, and the
//   transcript search finds the call and opens it.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { chromiumMissing, launchChromium, type ChromiumSession } from './helpers/browser.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { confirmPopover, fill, pageTitle, saveDialog, signInAsAdmin } from './helpers/console-page.js';
import { spokenWav } from './helpers/spoken-digits.js';
import { archive, streamingFiles } from '../server/speech/testing/archives.js';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const WAIT = 90_000;
const GOOD = 'streaming-zipformer-en-2023-06-26';
const BAD = 'streaming-zipformer-bilingual-zh-en-2023-02-20';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
type Models = { items: { model: { name: string }; installed: { checksumSource: string } | null; install: { state: string; error?: string } | null }[] };
type Segment = { callId: string; speaker: string; startMs: number; text: string };
type Transcript = { state: string; segments: Segment[] };

describe('console: speech models and call transcripts', { skip: chromiumMissing() ?? false, timeout: 600_000 }, () => {
  let server: HailingProcess;
  let chrome: ChromiumSession;
  let page: Page;
  const phones: Phone[] = [];
  const scratch = mkdtempSync(path.join(tmpdir(), 'hailing-console-speech-'));

  before(async () => {
    execFileSync(process.execPath, [path.join(root, 'scripts/web-build.mjs')], { stdio: 'ignore', timeout: 300_000 });
    server = await startHailing({ env: { HAILING_RECORD_CALLS: 'all', HAILING_TRANSCRIBE_MODEL: MODEL } });
    chrome = await launchChromium({ locale: 'en' });
    page = await chrome.newPage();
    page.setDefaultTimeout(WAIT);
    await signInAsAdmin(page, server, '/speech');
    await pageTitle(page, 'Speech models');
  });

  after(async () => {
    await stopPhones(phones);
    await chrome?.close();
    await server?.kill();
    rmSync(scratch, { recursive: true, force: true });
  });

  const model = async (name: string) => (await server.api<Models>('GET', '/api/v1/speech/models')).body.items.find((m) => m.model.name === name);
  const installFrom = async (name: string, from: string) => {
    await page.getByTestId(`install-${name}`).click();
    await fill(page, { from });
    await saveDialog(page, 'Install');
  };

  it('installs a model from an uploaded archive, refuses a broken one on the server with the reason, verifies and removes', async () => {
    await page.getByText(BAD).waitFor();
    await page.getByTestId(`install-${GOOD}`).waitFor();
    assert.equal((await model(GOOD))?.installed, null);

    // uploaded from the browser's machine (PUT .../archive), as an operator without shell access would
    await page.getByTestId(`install-${GOOD}`).click();
    await page.getByTestId('speech-file').setInputFiles(archive(path.join(scratch, 'good'), `sherpa-onnx-${GOOD}`, streamingFiles()));
    await saveDialog(page, 'Install');
    const installed = page.getByTestId(`installed-${GOOD}`);
    await installed.waitFor();
    assert.match((await installed.textContent()) ?? '', /checksum pinned · from an archive/);
    assert.equal((await model(GOOD))?.installed?.checksumSource, 'pinned');

    // the encoder lacks decode_chunk_len: sherpa-onnx would exit(); the installer refuses it first
    await installFrom(BAD, archive(path.join(scratch, 'bad'), `sherpa-onnx-${BAD}`, streamingFiles({ T: '39', model_type: 'zipformer2' })));
    const refused = page.getByTestId(`refused-${BAD}`);
    await refused.waitFor();
    const api = await model(BAD);
    assert.equal(api?.install?.state, 'failed');
    assert.equal(api?.installed, null, 'nothing installed under its name');
    assert.match(api?.install?.error ?? '', /decode_chunk_len/);
    assert.ok(((await refused.textContent()) ?? '').includes(api!.install!.error!), 'the screen shows the server’s reason');

    await page.getByTestId('speech-verify').click();
    await page.getByTestId('speech-verified').getByText(`${GOOD}: OK`).waitFor();

    await confirmPopover(page, { trigger: page.getByTestId(`remove-${GOOD}`), button: 'OK', done: page.getByTestId(`installed-${GOOD}`), doneState: 'detached' });
    await page.getByTestId(`installed-${GOOD}`).waitFor({ state: 'detached' });
    assert.equal((await model(GOOD))?.installed, null);
  });

  it('shows a recorded call’s transcript by speaker with times, and finds the call by searching its text', async () => {
    await withExtensions(server, ['1001', '1002']);
    const spoken = spokenWav(scratch);
    const quiet = path.join(scratch, 'quiet.wav');
    execFileSync('sox', ['-n', '-r', '48000', '-c', '2', '-b', '16', quiet, 'trim', '0', String(spoken.seconds + 5)]);
    const phone = (user: string, audioFile: string) =>
      registeredPhone({ user, password: `secret-${user}`, domain: '127.0.0.1', server: { host: '127.0.0.1', port: server.ports.sip }, transport: 'udp', audioFile, answerMode: 'auto' }, phones);
    const a = await phone('1001', spoken.file);
    await phone('1002', quiet);
    await a.dial('sip:1002@127.0.0.1');
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(spoken.seconds * 1000 + 1000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });

    const record = await finalCallRecord({ api: server.api, number: '1001', ms: 10_000 });
    const deadline = Date.now() + 90_000;
    let transcript: Transcript;
    for (;;) {
      transcript = (await server.api<Transcript>('GET', `/api/v1/cdrs/${record.id}/transcript`)).body;
      if (transcript.state === 'done' || transcript.state === 'failed' || Date.now() > deadline) break;
      await sleep(500);
    }
    assert.equal(transcript.state, 'done', JSON.stringify(transcript));
    const caller = transcript.segments.filter((s) => s.speaker === 'caller' && s.text.length > 0);
    assert.ok(caller.length > 0, JSON.stringify(transcript));

    await page.goto(`${server.baseUrl}/cdrs`);
    await pageTitle(page, 'Call records');
    await page.getByRole('cell', { name: '1002', exact: true }).first().click();
    const segments = page.getByTestId('transcript-segments');
    await segments.waitFor();
    assert.equal(await page.getByTestId('transcript-state').textContent(), 'Done');
    const shown = (await segments.getByTestId('segment-text').allTextContents()).map((s) => s.trim());
    assert.deepEqual(shown, transcript.segments.map((s) => s.text), 'the screen shows the API’s segments, in order');
    const first = transcript.segments[0]!;
    const at = `${Math.floor(first.startMs / 60000)}:${((first.startMs / 1000) % 60).toFixed(1).padStart(4, '0')}`;
    assert.match((await segments.locator('.ant-list-item').first().textContent()) ?? '', new RegExp(`^${at}–.*Caller`));
    await page.keyboard.press('Escape');
    await segments.waitFor({ state: 'hidden' });

    const piece = caller[0]!.text.slice(0, 3);
    await page.getByTestId('transcript-search').locator('input').fill(piece);
    await page.keyboard.press('Enter');
    const found = page.getByTestId('transcript-found');
    await found.getByText(caller[0]!.text).first().click();
    // the segment found opens its call: the drawer shows that call's transcript again
    await segments.waitFor();
    assert.deepEqual((await segments.getByTestId('segment-text').allTextContents()).map((s) => s.trim()), transcript.segments.map((s) => s.text));
  });
});
