// Acceptance (issue 17): the position and estimated-wait announcement, spoken by on-device TTS
// (flite, Hailing's English voice), heard by a real phone waiting in a queue. baresip 1001 dials the queue (no agent
// logged in; the hold prompt is silence): the speech it decodes has the length and level of
// flite's own rendering (Hailing's English voice) of the expected sentence (position 1; no agent has taken a call, so
// the estimate is the 2-minute default), measured by sox after trimming silence at both ends.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { speechExtent, renderEnglishPrompt } from './helpers/audio.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const DOMAIN = '127.0.0.1';
const TEXT = 'You are caller number 1. Your estimated wait is about 2 minutes.';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ACD position and estimated-wait announcement (TTS, baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;
  let tmp: string;

  before(async () => {
    rig = await startExtensionPhones(['1001']);
    server = rig.server;
    tmp = mkdtempSync(path.join(tmpdir(), 'hailing-announce-'));
    const prompts = path.join(server.dataDir, 'prompts');
    mkdirSync(prompts, { recursive: true });
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', path.join(prompts, 'quiet.wav'), 'trim', '0', '2']);
  });
  after(async () => {
    await rig?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a waiting caller hears "you are caller number 1, estimated wait about 2 minutes" as long and as loud as flite renders it', { timeout: 120_000 }, async (t) => {
    const ok = async (method: string, p: string, body?: unknown) => {
      const r = await server.api(method, p, body);
      assert.ok(r.status < 300, `${method} ${p}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    await ok('POST', '/api/v1/acd/queues', { id: 'sales', name: 'Sales', holdPrompt: 'quiet.wav', announceSpeech: true });
    await ok('POST', '/api/v1/dialplan', { pattern: '700', steps: [{ kind: 'queue', queue: 'sales' }] });
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await a.dial(`sip:700@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(9000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    await a.stop();
    const [heard] = a.decodedDumps();
    assert.ok(heard, 'the phone wrote its decoded audio');
    const reference = path.join(tmp, 'ref.wav');
    renderEnglishPrompt(reference, TEXT);
    const want = speechExtent(reference);
    const got = speechExtent(heard);
    const db = 20 * Math.log10(got.rms / want.rms);
    t.diagnostic(`heard ${got.lengthS} s at RMS ${got.rms}; flite ${want.lengthS} s at RMS ${want.rms} (${db.toFixed(2)} dB)`);
    assert.ok(Math.abs(got.lengthS - want.lengthS) <= 0.3, `speech lasts ${got.lengthS} s; flite renders ${want.lengthS} s`);
    assert.ok(Math.abs(db) <= 3, `speech level ${db.toFixed(1)} dB from flite's`);
  });
});
