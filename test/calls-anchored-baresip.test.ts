// Acceptance (issue 10) with real phones: a dial plan entry written through the API as a chain,
// answer → play a prompt file → dial an extension. baresip 1001 calls it: Hailing answers at once
// and plays the prompt (a 1000 Hz tone made by sox), then rings 1002, and when 1002 answers its
// tone reaches the caller through the caller's anchored endpoint, and the caller's tone reaches
// 1002. Measured in the phones' decoded audio with sox.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { assertTone, soxStat } from './helpers/audio.js';
import { finalCallRecord } from './helpers/cdrs.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { answerTalkHangUp, startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const DOMAIN = '127.0.0.1';
const PROMPT_S = 3;

describe('anchored call: answer, play a prompt, then bridge to an extension (baresip)', () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;

  before(async () => {
    rig = await startExtensionPhones(['1001', '1002']);
    server = rig.server;
    const prompts = path.join(server.dataDir, 'prompts');
    mkdirSync(prompts, { recursive: true });
    execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', path.join(prompts, 'tone-1k.wav'), 'synth', String(PROMPT_S), 'sine', '1000', 'vol', '0.5']);
  });

  after(() => rig?.close());

  const registered = (user: string, o: { tone: number; answerMode: 'auto' | 'manual' }) => rig.phone(user, { ...o });

  it("the caller hears the prompt's 1000 Hz, then the callee's 800 Hz; the callee hears the caller's 400 Hz", { timeout: 90_000 }, async () => {
    const bad = await server.api('POST', '/api/v1/dialplan', { pattern: '701', steps: [{ kind: 'play', prompt: '../hailing.db' }] });
    assert.equal(bad.status, 400, 'a prompt name with a path is refused');
    const entry = await server.api('POST', '/api/v1/dialplan', {
      pattern: '700',
      steps: [{ kind: 'answer' }, { kind: 'play', prompt: 'tone-1k.wav' }, { kind: 'extension', number: '1002', timeoutS: 20 }],
    });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const a = await registered('1001', { tone: 400, answerMode: 'auto' });
    const b = await registered('1002', { tone: 800, answerMode: 'manual' });
    await a.dial(`sip:700@${DOMAIN}`);
    // answered by Hailing before any phone rings
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    const { callerHeard, calleeHeard } = await answerTalkHangUp({ caller: a, callee: b, pauseMs: 500, talkMs: 3500 });
    const prompt = await soxStat({ file: callerHeard, skipS: 0.5, durationS: 2 });
    assert.ok(prompt.rms > 0.05, `the prompt is heard (RMS ${prompt.rms})`);
    assert.ok(Math.abs(prompt.roughHz - 1000) <= 50, `the caller first hears the prompt's 1000 Hz: ${prompt.roughHz} Hz`);
    const whole = await soxStat({ file: callerHeard });
    const callee = await soxStat({ file: callerHeard, skipS: whole.lengthS - 2.5, durationS: 2 });
    assert.ok(callee.rms > 0.05, `the callee is heard (RMS ${callee.rms})`);
    assert.ok(Math.abs(callee.roughHz - 800) <= 40, `then the callee's 800 Hz: ${callee.roughHz} Hz`);
    await assertTone({ file: calleeHeard, hz: 400, minLengthS: 2 });

    const record = await finalCallRecord({ api: server.api.bind(server), number: '1001' });
    assert.equal(record.callee, '700');
    assert.equal(record.disposition, 'ANSWERED');
    assert.deepEqual((record as { routing?: { handlers: string[] } }).routing?.handlers, ['answer', 'play', 'dial-extension']);
  });
});
