// Acceptance (punctuation of finals, issue 13): live transcription as in calls-live-transcription,
// with HAILING_PUNCTUATION_MODEL set to the fixture CT-transformer (test/fixtures/speech/punct-ct).
// A baresip caller speaks digit strings into a real call; each transcript.final arrives punctuated
// by the speech process (the fixture closes each utterance with a full stop, written as ASCII after
// digits), its digit run kept whole (masking reads it as one number), and the stored live segments
// are the punctuated finals. Partials stay as recognised (only finals are punctuated).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { finalCallRecord } from './helpers/cdrs.js';
import { withExtensions } from './helpers/hailing-process.js';
import { phoneSuite } from './helpers/phone-suite.js';
import { SPOKEN_DIGITS, silentWav, spokenDigitsWav } from './helpers/spoken-digits.js';
import { watchTranscripts } from './helpers/transcript-events.js';

const DOMAIN = '127.0.0.1';
const ASR = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const PUNCT = fileURLToPath(new URL('./fixtures/speech/punct-ct', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('punctuation of live transcription finals (HAILING_PUNCTUATION_MODEL, fixture CT-transformer)', () => {
  const { scratch, start, phone } = phoneSuite('live-punct');

  it('each final of a real call comes punctuated, digits whole, and is stored so', { timeout: 150_000 }, async (t) => {
    const server = await start({ HAILING_LIVE_TRANSCRIBE: '1', HAILING_TRANSCRIBE_MODEL: ASR, HAILING_PUNCTUATION_MODEL: PUNCT });
    await withExtensions(server, ['1001', '1002']);
    const spoken = spokenDigitsWav({ dir: scratch, utterances: SPOKEN_DIGITS });
    const quiet = silentWav({ dir: scratch, seconds: spoken.seconds + 5 });
    const watch = await watchTranscripts(server);
    const a = await phone(server, '1001', spoken.file);
    await phone(server, '1002', quiet);
    await a.dial(`sip:1002@${DOMAIN}`);
    await a.waitForEvent({ type: 'CALL_ESTABLISHED' });
    await sleep(spoken.seconds * 1000 + 1000);
    await a.hangup();
    await a.waitForEvent({ type: 'CALL_CLOSED' });
    const record = await finalCallRecord({ api: server.api, number: '1001', ms: 10_000 });
    await sleep(1000);
    watch.close();

    assert.match(server.output(), /punctuation model loaded/);
    const finals = watch.events.filter((e) => e.type === 'transcript.final');
    const partials = watch.events.filter((e) => e.type === 'transcript.partial');
    t.diagnostic(`finals: ${finals.map((f) => JSON.stringify(f.text)).join(', ')}; partials: ${partials.map((p) => JSON.stringify(p.text)).join(', ')}`);
    assert.equal(finals.length, SPOKEN_DIGITS.length, JSON.stringify(finals));
    for (const f of finals) assert.match(f.text, /^[0-9]+\.$/, 'a digit run, whole, closed by a full stop');
    assert.ok(partials.every((p) => /^[0-9]+$/.test(p.text)), 'partials as recognised');
    // a leg's events keep their order although a final waits for its punctuation
    for (const [i, f] of finals.entries()) if (i > 0) assert.ok(f.startMs >= finals[i - 1]!.endMs, 'finals in order');

    const stored = await server.api<{ segments: { text: string; source: string; startMs: number }[] }>('GET', `/api/v1/cdrs/${record.id}/transcript`);
    assert.equal(stored.status, 200, JSON.stringify(stored.body));
    assert.deepEqual(
      stored.body.segments.map((s) => ({ text: s.text, source: s.source, startMs: s.startMs })),
      finals.map((f) => ({ text: f.text, source: 'live', startMs: f.startMs })),
    );
  });
});
