// Acceptance (issue 13, TTS) with a real phone: a dial plan 'say' step speaks text with on-device
// TTS (espeak-ng) through the call's playback. baresip calls it; the speech in its decoded audio
// has the length and level of espeak-ng's own rendering of the same text (measured by sox after
// trimming silence the same way), within the bounds a G.711 leg and a jitter buffer allow.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { speechExtent } from './helpers/audio.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';

const DOMAIN = '127.0.0.1';
const TEXT = 'Thank you for calling. All our agents are busy. Please stay on the line.';

describe("dial plan 'say': a prompt spoken by on-device TTS to a baresip phone", () => {
  let rig: ExtensionPhones;
  let server: HailingProcess;
  let tmp: string;

  before(async () => {
    rig = await startExtensionPhones(['1001']);
    server = rig.server;
    tmp = mkdtempSync(path.join(tmpdir(), 'hailing-say-'));
  });
  after(async () => {
    await rig?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('the caller hears speech as long and as loud as espeak-ng renders the text', { timeout: 120_000 }, async (t) => {
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern: '702', steps: [{ kind: 'say', text: TEXT }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await a.dial(`sip:702@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the plan ends after the prompt: Hailing hangs up
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 60_000 });
    await a.stop();
    const [heard] = a.decodedDumps();
    assert.ok(heard, 'the phone wrote its decoded audio');

    const reference = path.join(tmp, 'ref.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-w', reference, TEXT]);
    const want = speechExtent(reference);
    const got = speechExtent(heard);
    assert.ok(Math.abs(got.lengthS - want.lengthS) <= 0.3, `speech lasts ${got.lengthS} s; espeak-ng renders ${want.lengthS} s`);
    const db = 20 * Math.log10(got.rms / want.rms);
    t.diagnostic(`heard ${got.lengthS} s at RMS ${got.rms}; espeak-ng ${want.lengthS} s at RMS ${want.rms} (${db.toFixed(2)} dB)`);
    assert.ok(Math.abs(db) <= 3, `speech level ${db.toFixed(1)} dB from espeak-ng's`);
  });
});
