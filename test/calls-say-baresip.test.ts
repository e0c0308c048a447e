// Acceptance (issue 13, TTS) with a real phone: a dial plan 'say' step speaks text with on-device
// TTS (flite's rms voice for English where flite is installed, as scripts/install-system-deps.sh
// does) through the call's playback, and baresip calls it.
// - the speech in its decoded audio has the length and level of flite's own rendering of the same
//   text (measured by sox after trimming silence the same way), within what G.711 and a jitter
//   buffer allow;
// - the independent judge (pocketsphinx with the TIDIGITS model, test/helpers/pocketsphinx.ts)
//   reads the digit strings Hailing speaks from what the phone heard, within a stated digit error.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { speechExtent, renderEnglishPrompt } from './helpers/audio.js';
import type { HailingProcess } from './helpers/hailing-process.js';
import { startExtensionPhones, type ExtensionPhones } from './helpers/extension-phones.js';
import { pocketsphinxDigits } from './helpers/pocketsphinx.js';
import { digitErrors } from '../server/speech/testing/digits.js';

const DOMAIN = '127.0.0.1';
const TEXT = 'Thank you for calling. All our agents are busy. Please stay on the line.';
/** digit strings as an IVR reads back an account number or a balance (every digit at least twice) */
const DIGITS = ['4 1 7 2 9', '3 0 5 8 6', '9 2 6 0 1', '8 5 3 7 4'];
/** the judge's digit error bound: flite through G.711 read by pocketsphinx (0 of 20 wrong when measured) */
const MAX_DIGIT_ERROR = 0.1;

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

  /** what the phone heard when it called a dial plan entry that says `text` and ends */
  async function heardSaying(pattern: string, text: string): Promise<string> {
    const entry = await server.api('POST', '/api/v1/dialplan', { pattern, steps: [{ kind: 'say', text }] });
    assert.equal(entry.status, 201, JSON.stringify(entry.body));
    const a = await rig.phone('1001', { tone: 400, answerMode: 'auto' });
    await a.dial(`sip:${pattern}@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    // the plan ends after the prompt: Hailing hangs up
    await a.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 60_000 });
    await a.stop();
    const [heard] = a.decodedDumps();
    assert.ok(heard, 'the phone wrote its decoded audio');
    return heard;
  }

  it('the caller hears speech as long and as loud as flite renders the text', { timeout: 120_000 }, async (t) => {
    const heard = await heardSaying('702', TEXT);
    const reference = path.join(tmp, 'ref.wav');
    renderEnglishPrompt(reference, TEXT);
    const want = speechExtent(reference);
    const got = speechExtent(heard);
    assert.ok(Math.abs(got.lengthS - want.lengthS) <= 0.3, `speech lasts ${got.lengthS} s; flite renders ${want.lengthS} s`);
    const db = 20 * Math.log10(got.rms / want.rms);
    t.diagnostic(`heard ${got.lengthS} s at RMS ${got.rms}; flite ${want.lengthS} s at RMS ${want.rms} (${db.toFixed(2)} dB)`);
    assert.ok(Math.abs(db) <= 3, `speech level ${db.toFixed(1)} dB from flite's`);
  });

  it(`the pocketsphinx judge reads the digits Hailing speaks with at most ${MAX_DIGIT_ERROR * 100} % digit error`, { timeout: 180_000 }, async (t) => {
    let errors = 0;
    let spoken = 0;
    for (const [n, digits] of DIGITS.entries()) {
      const heard = await heardSaying(`71${n}`, `${digits}.`);
      const judged = pocketsphinxDigits(heard);
      const want = digits.replace(/ /g, '');
      errors += digitErrors(want, judged);
      spoken += want.length;
      t.diagnostic(`said ${want}, pocketsphinx heard ${judged}`);
    }
    t.diagnostic(`digit error ${errors}/${spoken}`);
    assert.ok(errors / spoken <= MAX_DIGIT_ERROR, `${errors} of ${spoken} digits wrong`);
  });
});
