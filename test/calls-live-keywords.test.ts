// Acceptance (streaming ASR and keyword spotting, issues 13 and 16): with HAILING_LIVE_TRANSCRIBE_MODEL
// set to the fixture streaming transducer (test/fixtures/speech/digits-transducer), a keyword list made
// through the API in words ("four eight", "five five five" for calls to 1002; "cancel" is refused: the
// digit model cannot spell it), a baresip caller plays digit strings spoken by espeak-ng voices the
// model never heard in training into a call to a baresip callee that sends silence. The speech process
// decodes the caller's leg as it comes: transcript.partial events while the speech goes on, a
// transcript.final at each of sherpa-onnx's endpoints (stored as live segments), and one
// transcript.keyword for "four eight" (said in the first string), none for "five five five" (never
// said); nothing at all for the silent callee. The hit is stored: GET /api/v1/cdrs/{id}/keyword-hits
// and the search by keyword and period return it.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchTranscripts } from './helpers/transcript-events.js';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';
import { SPOKEN_DIGITS, silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';
import { digitErrors } from '../server/speech/testing/digits.js';

const DOMAIN = '127.0.0.1';
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-transducer', import.meta.url));
const SPOKEN = SPOKEN_DIGITS;
/** the issue's bound on the caller's digit error through the live path (as calls-live-transcription.test.ts) */
const MAX_DIGIT_ERROR = 0.35;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live transcription with a streaming transducer and keyword lists made in the API (HAILING_LIVE_TRANSCRIBE_MODEL)', () => {
  const phones: Phone[] = [];
  let server: HailingProcess | undefined;
  const scratch = mkdtempSync(path.join(tmpdir(), 'hailing-live-keywords-'));
  after(async () => {
    await stopPhones(phones);
    if (server) {
      await server.kill('SIGKILL');
      rmSync(server.dataDir, { recursive: true, force: true });
    }
    rmSync(scratch, { recursive: true, force: true });
  });

  it("the caller's digits come as partials and finals as the call goes on; the list's phrase said is spotted and stored, the other not", { timeout: 150_000 }, async (t) => {
    server = await startHailing({ env: { HAILING_LIVE_TRANSCRIBE: '1', HAILING_LIVE_TRANSCRIBE_MODEL: MODEL } });
    const s = server;
    await withExtensions(s, ['1001', '1002']);
    // words, not tokens: the server spells them in the model's tokens.txt; one it cannot spell is refused
    const refused = await s.api<{ issues: { path: string; message: string }[] }>('POST', '/api/v1/keyword-lists', { name: 'fraud', phrases: ['four eight', 'cancel'], numbers: ['1002'] });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.issues.map((i) => i.path), ['phrases.1']);
    assert.match(refused.body.issues[0]!.message, /'cancel'.*no token for 'c'/);
    const made = await s.api('POST', '/api/v1/keyword-lists', { name: 'fraud', phrases: ['four eight', 'five five five'], numbers: ['1002'] });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const since = new Date().toISOString();
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN });
    const quiet = silentWav({ dir: scratch, seconds: spoken.seconds + 5 });
    const watch = await watchTranscripts(s);
    const events = watch.events;
    const phone = (user: string, audioFile: string) =>
      registeredPhone({ user, password: `secret-${user}`, domain: DOMAIN, server: { host: '127.0.0.1', port: s.ports.sip }, transport: 'udp', audioFile, answerMode: 'auto' }, phones);
    const a = await phone('1001', spoken.file);
    await phone('1002', quiet);

    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(spoken.seconds * 1000 + 2000);
    const duringCall = events.filter((e) => e.type === 'transcript.final').length;
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    const record = await finalCallRecord({ api: s.api, number: '1001', ms: 10_000 });
    await sleep(1000);
    watch.close();

    t.diagnostic(JSON.stringify(events));
    assert.ok(events.every((e) => e.callId === record.id), 'every event names the call');
    assert.deepEqual(events.filter((e) => e.leg === 'callee'), [], 'the callee sent silence: nothing for its leg');
    const finals = events.filter((e) => e.type === 'transcript.final');
    const partials = events.filter((e) => e.type === 'transcript.partial');
    const want = SPOKEN.map((u) => u.digits.replace(/ /g, '')).join('');
    const heard = finals.map((f) => f.text).join('');
    const errors = digitErrors(want, heard);
    t.diagnostic(`spoken ${want}, live finals ${finals.map((f) => f.text).join(' / ')}: ${errors} digit errors of ${want.length} (${((errors / want.length) * 100).toFixed(1)} %); ${partials.length} partials`);
    assert.equal(duringCall, finals.length, 'the finals came before the hang-up');
    assert.equal(finals.length, SPOKEN.length, JSON.stringify(finals));
    assert.ok(errors / want.length <= MAX_DIGIT_ERROR, `digit error ${errors}/${want.length}`);
    // a partial comes before the final of its segment, with the same start
    assert.ok(partials.length >= SPOKEN.length, 'partials while the utterances went on');
    for (const p of partials) {
      const f = finals.find((x) => x.startMs === p.startMs);
      assert.ok(f && events.indexOf(p) < events.indexOf(f), `partial ${JSON.stringify(p)} has no later final`);
    }
    // keywords: 'four eight' said once (inside the first utterance's final), 'five five five' never
    const hits = events.filter((e) => e.type === 'transcript.keyword');
    assert.deepEqual(hits.map((h) => [h.text, h.list]), [['four eight', 'fraud']], JSON.stringify(hits));
    const first = finals[0]!;
    assert.ok(hits[0]!.startMs >= first.startMs - 500 && hits[0]!.startMs <= first.endMs, `hit at ${hits[0]!.startMs}, first final ${first.startMs}–${first.endMs}`);

    const stored = await s.api<{ segments: { speaker: string; startMs: number; endMs: number; text: string; source: string }[] }>('GET', `/api/v1/cdrs/${record.id}/transcript`);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.deepEqual(
      stored.body.segments.map((x) => ({ speaker: x.speaker, startMs: x.startMs, endMs: x.endMs, text: x.text, source: x.source })),
      finals.map((f) => ({ speaker: 'caller', startMs: f.startMs, endMs: f.endMs, text: f.text, source: 'live' })),
    );

    // the hit is stored with the call, and the search by keyword and period finds the call
    type Hit = { callId: string; leg: string; keyword: string; list: string; atMs: number };
    const kept = await s.api<{ items: Hit[] }>('GET', `/api/v1/cdrs/${record.id}/keyword-hits`);
    assert.equal(kept.status, 200, JSON.stringify(kept.body));
    assert.deepEqual(kept.body.items.map((h) => ({ callId: h.callId, leg: h.leg, keyword: h.keyword, list: h.list, atMs: h.atMs })), [{ callId: record.id, leg: 'caller', keyword: 'four eight', list: 'fraud', atMs: hits[0]!.startMs }]);
    const found = await s.api<{ items: Hit[]; total: number }>('GET', `/api/v1/keyword-hits?keyword=${encodeURIComponent('Four Eight')}&from=${encodeURIComponent(since)}&to=${encodeURIComponent(new Date().toISOString())}`);
    assert.deepEqual(found.body.items.map((h) => h.callId), [record.id], JSON.stringify(found.body));
    const never = await s.api<{ total: number }>('GET', `/api/v1/keyword-hits?keyword=${encodeURIComponent('five five five')}`);
    assert.equal(never.body.total, 0);
  });
});
