// Acceptance (streaming ASR and keyword spotting, issue 13): with HAILING_LIVE_TRANSCRIBE_MODEL set to
// the fixture streaming transducer (test/fixtures/speech/digits-transducer) and HAILING_LIVE_KEYWORDS
// giving calls to 1002 the keywords "4 8" and "5 5 5", a baresip caller plays digit strings spoken by
// espeak-ng voices the model never heard in training into a call to a baresip callee that sends
// silence. The speech process decodes the caller's leg as it comes: transcript.partial events while
// the speech goes on, a transcript.final at each of sherpa-onnx's endpoints (stored as live segments),
// and one transcript.keyword for "4 8" (said in the first string), none for "5 5 5" (never said);
// nothing at all for the silent callee.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { registeredPhone, stopPhones, type Phone } from './helpers/baresip.js';
import { finalCallRecord } from './helpers/cdrs.js';
import { startHailing, withExtensions, type HailingProcess } from './helpers/hailing-process.js';
import { SPOKEN_DIGITS, silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';
import { digitErrors } from '../server/speech/testing/digits.js';

const DOMAIN = '127.0.0.1';
const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-transducer', import.meta.url));
const SPOKEN = SPOKEN_DIGITS;
/** the bound on the caller's digit error through the live path (as calls-live-transcription.test.ts) */
const MAX_DIGIT_ERROR = 0.35;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface TranscriptEvent {
  type: 'transcript.partial' | 'transcript.final' | 'transcript.keyword';
  callId: string;
  leg: 'caller' | 'callee';
  startMs: number;
  endMs: number;
  text: string;
}

describe('live transcription with a streaming transducer and keywords per call (HAILING_LIVE_TRANSCRIBE_MODEL, HAILING_LIVE_KEYWORDS)', () => {
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

  it("the caller's digits come as partials and finals as the call goes on; the call's keyword said is spotted, the other not", { timeout: 150_000 }, async (t) => {
    server = await startHailing({
      env: { HAILING_LIVE_TRANSCRIBE: '1', HAILING_LIVE_TRANSCRIBE_MODEL: MODEL, HAILING_LIVE_KEYWORDS: JSON.stringify({ '1002': ['4 8', '5 5 5'] }) },
    });
    const s = server;
    await withExtensions(s, ['1001', '1002']);
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN });
    const quiet = silentWav({ dir: scratch, seconds: spoken.seconds + 5 });
    const ws = new WebSocket(`${s.baseUrl.replace(/^http/, 'ws')}/api/v1/events`, { headers: { authorization: `Bearer ${await s.token()}` } });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const events: TranscriptEvent[] = [];
    ws.on('message', (data: Buffer) => {
      const e = JSON.parse(data.toString('utf8')) as { type: string };
      if (e.type.startsWith('transcript.')) events.push(e as TranscriptEvent);
    });
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
    ws.close();

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
    // keywords: '4 8' said once (inside the first utterance's final), '5 5 5' never
    const hits = events.filter((e) => e.type === 'transcript.keyword');
    assert.deepEqual(hits.map((h) => h.text), ['4 8'], JSON.stringify(hits));
    const first = finals[0]!;
    assert.ok(hits[0]!.startMs >= first.startMs - 500 && hits[0]!.startMs <= first.endMs, `hit at ${hits[0]!.startMs}, first final ${first.startMs}–${first.endMs}`);

    const stored = await s.api<{ segments: { speaker: string; startMs: number; endMs: number; text: string; source: string }[] }>('GET', `/api/v1/cdrs/${record.id}/transcript`);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.deepEqual(
      stored.body.segments.map((x) => ({ speaker: x.speaker, startMs: x.startMs, endMs: x.endMs, text: x.text, source: x.source })),
      finals.map((f) => ({ speaker: 'caller', startMs: f.startMs, endMs: f.endMs, text: f.text, source: 'live' })),
    );
  });
});
