// Acceptance (live transcription, issue 13): with HAILING_LIVE_TRANSCRIBE=1 and HAILING_TRANSCRIBE_MODEL
// set to the fixture digit recogniser, a baresip caller plays a WAV of digit strings spoken by
// espeak-ng voices the model never heard in training into a call to a second baresip phone that
// sends silence. No recording is made: each leg's endpoint is tapped in the media worker, the
// speech process segments and recognises it, and the events WebSocket carries transcript.partial
// and transcript.final for the caller's leg with the digits (digit error within the bound below),
// nothing for the silent callee's; the finals are stored as live segments of the call's transcript.
// Without a model the server says which one it needs and calls go on.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { finalCallRecord } from './helpers/cdrs.js';
import { withExtensions } from './helpers/hailing-process.js';
import { phoneSuite } from './helpers/phone-suite.js';
import { SPOKEN_DIGITS, silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';
import { watchTranscripts } from './helpers/transcript-events.js';
import { digitErrors } from '../server/speech/testing/digits.js';

const DOMAIN = '127.0.0.1';
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const SPOKEN = SPOKEN_DIGITS;
/**
 * The bound on the caller's digit error through the live path; measured 2 of 14 (14 %) here
 * (docs/speech.md "Live transcription").
 */
const MAX_DIGIT_ERROR = 0.35;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live transcription (HAILING_LIVE_TRANSCRIBE, fixture digit recogniser)', () => {
  const { scratch, start, phone } = phoneSuite('live-transcribe');

  it("digits spoken into a call come as transcript events for the caller's leg while it goes on, none for the silent callee, and the finals are stored", { timeout: 150_000 }, async (t) => {
    const server = await start({ HAILING_LIVE_TRANSCRIBE: '1', HAILING_TRANSCRIBE_MODEL: MODEL });
    await withExtensions(server, ['1001', '1002']);
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN });
    const quiet = silentWav({ dir: scratch, seconds: spoken.seconds + 5 });
    const watch = await watchTranscripts(server);
    const a = await phone(server, '1001', spoken.file);
    await phone(server, '1002', quiet);

    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(spoken.seconds * 1000 + 1000);
    // the finals of all three utterances came while the call was still up (live, not after it)
    const duringCall = watch.events.filter((e) => e.type === 'transcript.final').length;
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    const record = await finalCallRecord({ api: server.api, number: '1001', ms: 10_000 });
    await sleep(1000);
    watch.close();

    const events = watch.events;
    t.diagnostic(JSON.stringify(events));
    assert.ok(events.every((e) => e.callId === record.id), 'every event names the call');
    assert.deepEqual(events.filter((e) => e.leg === 'callee'), [], 'the callee sent silence: nothing for its leg');
    const finals = events.filter((e) => e.type === 'transcript.final' && e.leg === 'caller');
    const partials = events.filter((e) => e.type === 'transcript.partial' && e.leg === 'caller');
    const want = SPOKEN.map((u) => u.digits.replace(/ /g, '')).join('');
    const heard = finals.map((s) => s.text).join('');
    const errors = digitErrors(want, heard);
    t.diagnostic(`spoken ${want}, live finals ${finals.map((f) => f.text).join(' / ')}: ${errors} digit errors of ${want.length} (${((errors / want.length) * 100).toFixed(1)} %); ${partials.length} partials`);
    assert.equal(duringCall, finals.length, 'the finals came before the hang-up');
    assert.equal(finals.length, SPOKEN.length, JSON.stringify(finals));
    assert.ok(errors / want.length <= MAX_DIGIT_ERROR, `digit error ${errors}/${want.length}`);
    assert.ok(partials.length >= 1, 'partials while the utterances went on');
    // no punctuation model here: finals are as recognised, and the log names what would punctuate them
    assert.ok(finals.every((f) => /^[0-9]+$/.test(f.text)), JSON.stringify(finals));
    assert.match(server.output(), /transcripts stay unpunctuated: set HAILING_PUNCTUATION_MODEL .* or install punct-ct-transformer-zh-en-vocab272727-2024-04-12/);
    // times from the call's start: in order, inside the call, each partial inside its utterance's span
    for (const [i, f] of finals.entries()) {
      assert.ok(f.startMs > 500 && f.startMs < f.endMs, JSON.stringify(f));
      if (i > 0) assert.ok(f.startMs >= finals[i - 1]!.endMs, 'finals in order');
    }
    for (const p of partials) assert.ok(finals.some((f) => f.startMs === p.startMs && p.endMs <= f.endMs + 500), `partial ${JSON.stringify(p)} belongs to no final`);

    // the finals are the call's live transcript segments
    const stored = await server.api<{ segments: { speaker: string; startMs: number; endMs: number; text: string; source: string }[] }>('GET', `/api/v1/cdrs/${record.id}/transcript`);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.deepEqual(
      stored.body.segments.map((s) => ({ speaker: s.speaker, startMs: s.startMs, endMs: s.endMs, text: s.text, source: s.source })),
      finals.map((f) => ({ speaker: 'caller', startMs: f.startMs, endMs: f.endMs, text: f.text, source: 'live' })),
    );
  });

  it('after the API transfers the caller to 1003, what 1003 says is transcribed as the callee leg of the same call', { timeout: 180_000 }, async (t) => {
    const server = await start({ HAILING_LIVE_TRANSCRIBE: '1', HAILING_TRANSCRIBE_MODEL: MODEL });
    await withExtensions(server, ['1001', '1002', '1003']);
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN });
    const quiet = silentWav({ dir: scratch, seconds: spoken.seconds + 30 });
    const watch = await watchTranscripts(server);
    const a = await phone(server, '1001', quiet);
    const b = await phone(server, '1002', quiet);
    // 1003's microphone starts when it answers: the digits come after the transfer
    const c = await phone(server, '1003', spoken.file);
    await a.dial(`sip:1002@${DOMAIN}`);
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
    const listed = await server.api<{ items: { id: string; caller: string; callee: string }[] }>('GET', '/api/v1/calls');
    const live = listed.body.items.find((x) => x.caller === '1001');
    assert.ok(live, JSON.stringify(listed.body));
    const moved = await server.api('POST', `/api/v1/calls/${live.id}/transfer`, { target: '1003' });
    assert.equal(moved.status, 202, JSON.stringify(moved.body));
    await b.waitForEvent({ type: 'CALL_CLOSED', timeoutMs: 20_000 });
    await c.waitForEvent({ type: 'CALL_ESTABLISHED', timeoutMs: 30_000 });
    await sleep(spoken.seconds * 1000 + 1500);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    await sleep(1000);
    watch.close();

    const finals = watch.events.filter((e) => e.type === 'transcript.final');
    t.diagnostic(JSON.stringify(finals));
    assert.ok(finals.every((e) => e.callId === live.id && e.leg === 'callee'), 'only 1003 spoke, on the callee leg of the call');
    const want = SPOKEN.map((u) => u.digits.replace(/ /g, '')).join('');
    const errors = digitErrors(want, finals.map((f) => f.text).join(''));
    t.diagnostic(`spoken ${want}, heard ${finals.map((f) => f.text).join(' / ')}: ${errors} digit errors of ${want.length}`);
    assert.equal(finals.length, SPOKEN.length, 'each utterance of the transfer target is transcribed');
    assert.ok(errors / want.length <= MAX_DIGIT_ERROR, `digit error ${errors}/${want.length}`);
  });

  it('without a model: the server says which one live transcription needs, and calls go on', { timeout: 60_000 }, async () => {
    const server = await start({ HAILING_LIVE_TRANSCRIBE: '1' });
    assert.match(server.output(), /live transcription needs a recogniser: set HAILING_LIVE_TRANSCRIBE_MODEL .* or HAILING_TRANSCRIBE_MODEL/);
    await withExtensions(server, ['1001', '1002']);
    const quiet = silentWav({ dir: scratch, seconds: 10 });
    const a = await phone(server, '1001', quiet);
    const b = await phone(server, '1002', quiet);
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await b.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    const record = await finalCallRecord({ api: server.api, number: '1001', ms: 10_000 });
    assert.equal(record.disposition, 'ANSWERED');
  });
});
