// Acceptance (post-call transcription, issue 13): with HAILING_RECORD_CALLS=all (WAV and Ogg/Opus) and
// HAILING_TRANSCRIBE_MODEL set to the fixture digit recogniser, a baresip caller plays a WAV of
// digits spoken by espeak-ng voices that the model never heard in training (made here by espeak-ng
// and sox) into a call; the callee sends silence. The recording is sealed at rest (the default). After
// the hang-up, the job reads it through the vault, transcribes each channel, and the API returns the
// digits on the caller's side within the stated digit error, nothing on the callee's, and finds the
// segment by search. The Ogg/Opus run also has HAILING_PUNCTUATION_MODEL (the fixture punctuator):
// its segments are stored punctuated (each digit run whole, closed by a full stop); the WAV run's as
// recognised.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';
import { digitErrors } from '../server/speech/testing/digits.js';
import { SPOKEN_DIGITS, silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';

const DOMAIN = '127.0.0.1';
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const PUNCT = fileURLToPath(new URL('./fixtures/speech/punct-ct', import.meta.url));
// Digit accuracy through a real call (espeak-ng 22.05 kHz → sox 48 kHz → baresip's resampler and
// G.711 → the recording → VAD → model) is held to the 35 % digit error. It was 8 of 14
// wrong until the recogniser dithered its input: the call's pauses decode to exact zeros, which the
// fixture model (trained on sox's dithered G.711) never heard (docs/speech.md).
const MAX_DIGIT_ERROR = 0.35;
const SPOKEN = SPOKEN_DIGITS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Segment {
  callId: string;
  channel: number;
  speaker: string;
  startMs: number;
  endMs: number;
  text: string;
  confidence: number | null;
}
interface Transcript {
  state: string;
  attempts: number;
  lastError: string | null;
  segments: Segment[];
}

for (const format of ['wav', 'ogg'] as const) describe(`post-call transcription (HAILING_TRANSCRIBE_MODEL, fixture digit recogniser, ${format} recordings)`, () => {
  const phones: Phone[] = [];
  let server: HailingProcess | undefined;
  const scratch = mkdtempSync(path.join(tmpdir(), 'hailing-transcribe-'));
  after(async () => {
    await stopPhones(phones);
    await server?.kill('SIGKILL');
    if (server) rmSync(server.dataDir, { recursive: true, force: true });
    rmSync(scratch, { recursive: true, force: true });
  });

  it('digits spoken into a recorded, sealed call are transcribed after the hang-up: one caller segment per utterance at its time, none for the silent callee, found by search', { timeout: 150_000 }, async (t) => {
    const punctuated = format === 'ogg';
    server = await startHailing({ env: { HAILING_RECORD_CALLS: 'all', HAILING_RECORDING_FORMAT: format, HAILING_TRANSCRIBE_MODEL: MODEL, ...(punctuated ? { HAILING_PUNCTUATION_MODEL: PUNCT } : {}) } });
    await withExtensions(server, ['1001', '1002']);
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN });
    const quiet = silentWav({ dir: scratch, seconds: spoken.seconds + 5 });
    const phone = (user: string, audioFile: string) =>
      registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: server!.ports.sip }, transport: 'udp', audioFile, answerMode: 'auto' }, phones);
    const a = await phone('1001', spoken.file);
    await phone('1002', quiet);

    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(spoken.seconds * 1000 + 1000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });

    const record = await finalCallRecord({ api: server.api, number: '1001', ms: 10_000 });
    const route = `/api/v1/cdrs/${record.id}/transcript`;
    const deadline = Date.now() + 90_000;
    let transcript: Transcript;
    for (;;) {
      const r: { status: number; body: Transcript } = await server.api<Transcript>('GET', route);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      transcript = r.body;
      if (transcript.state === 'done' || transcript.state === 'failed' || Date.now() > deadline) break;
      await sleep(500);
    }
    t.diagnostic(JSON.stringify(transcript));
    assert.equal(transcript.state, 'done', `job: ${JSON.stringify(transcript)}`);
    const caller = transcript.segments.filter((s) => s.speaker === 'caller');
    assert.deepEqual(transcript.segments.filter((s) => s.speaker === 'callee'), [], 'the callee sent silence');
    const want = SPOKEN.map((u) => u.digits.replace(/ /g, '')).join('');
    const heard = caller.map((s) => s.text).join('');
    const errors = digitErrors(want, heard);
    t.diagnostic(`spoken ${want}, transcribed ${heard}: ${errors} digit errors of ${want.length}`);
    assert.ok(errors <= MAX_DIGIT_ERROR * want.length, `${errors} digit errors of ${want.length} (${heard})`);
    // one segment per utterance: the digits of each come back in their own segment, in order
    assert.equal(caller.length, SPOKEN.length, JSON.stringify(caller));
    for (const s of caller) assert.ok(s.startMs >= 500 && s.endMs <= spoken.seconds * 1000 + 1500 && s.startMs < s.endMs, JSON.stringify(s));
    for (const s of caller) assert.match(s.text, punctuated ? /^[0-9]+\.$/ : /^[0-9]+$/, 'punctuated only with a punctuation model');

    // search: a piece of what was transcribed finds this call's segment
    const piece = caller[0]!.text.slice(0, 3);
    const found = await server.api<{ items: Segment[]; total: number }>('GET', `/api/v1/transcripts?q=${encodeURIComponent(piece)}`);
    assert.equal(found.status, 200);
    assert.ok(found.body.items.some((s) => s.callId === record.id), JSON.stringify(found.body));
    const missing = await server.api<{ error: string }>('GET', '/api/v1/transcripts');
    assert.equal(missing.status, 400);
    assert.match(JSON.stringify(missing.body), /\bq\b/);
  });
});
