// Recognition of a PCM socket stream in the speech process (worker/stream-asr.ts), with the fixture
// digit recogniser: digit strings spoken by held-out espeak-ng voices through G.711 are written to
// the socket in 20 ms records, as a media worker's tap writes them; the stream's utterances come
// back as partials while they go on and one final each, at the time the test put the speech.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../sip/index.js';
import { SpeechProcess } from './supervisor.js';
import { SherpaOfflineAsr } from './offline-asr.js';
import { SpeechStreams, type StreamEvent } from './streams.js';
import { espeak, throughG711 } from './testing/audio.js';
import { digitErrors } from './testing/digits.js';
import { pcmRecord } from './worker/pcm-socket.js';
import { fileURLToPath } from 'node:url';

const DIGITS_MODEL = fileURLToPath(new URL('../../test/fixtures/speech/digits-tdnn', import.meta.url));
const silence = (ms: number): Int16Array => new Int16Array(8 * ms);

describe('stream recognition in the speech process (live transcription, IVR speech input)', () => {
  let root: string;
  let speech: SpeechProcess;
  let streams: SpeechStreams;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-stream-asr-'));
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'digits', dir: DIGITS_MODEL }) });
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('two utterances on a stream: partials while each goes on, one final each with the digits, at the speech\'s place', { timeout: 120_000 }, async () => {
    const first = espeak({ text: '4 8 2 1 5', voice: 'en-us+f4', rate: 8000 });
    const second = espeak({ text: '9 0 3 7', voice: 'en-gb-scotland+m3', rate: 8000 });
    const parts = [silence(700), first, silence(1500), second, silence(1000)];
    const pcm = throughG711(Int16Array.from(parts.flatMap((p) => [...p])));
    const secondAt = (700 + first.length / 8 + 1500);
    const events: StreamEvent[] = [];
    let ended!: () => void;
    const done = new Promise<void>((r) => (ended = r));
    const opened = await streams.open({
      partialEveryMs: 500,
      onEvent: (e) => {
        events.push(e);
        if (e.event === 'stream-ended') ended();
      },
    });
    const sock = connect(opened.socket);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    // 20 ms records in real time, as a media worker's tap sends them (at 4× real time a loaded CI
    // machine once let VAD fall 64 chunks behind and 5 frames were dropped, as designed)
    const t0 = Date.now();
    for (let i = 0; i < pcm.length; i += 160) {
      sock.write(pcmRecord({ stream: opened.stream, rate: 8000, pcm: pcm.subarray(i, i + 160) }));
      const due = t0 + ((i / 160 + 1) * 20);
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    }
    sock.end(pcmRecord({ stream: opened.stream, rate: 8000, pcm: new Int16Array(0) }));
    await done;
    const finals = events.filter((e) => e.event === 'asr-final');
    const partials = events.filter((e) => e.event === 'asr-partial');
    assert.ok(!events.some((e) => e.event === 'stream-dropped'), JSON.stringify(events));
    assert.equal(finals.length, 2, JSON.stringify(finals));
    const [a, b] = finals as [Extract<StreamEvent, { event: 'asr-final' }>, Extract<StreamEvent, { event: 'asr-final' }>];
    assert.ok(digitErrors('48215', a.text) <= 1, `first: "${a.text}"`);
    assert.ok(digitErrors('9037', b.text) <= 1, `second: "${b.text}"`);
    // segment edges within ±150 ms of where the speech was put (VAD's hysteresis)
    assert.ok(Math.abs(a.startMs - 700) <= 150, `first starts at ${a.startMs}`);
    assert.ok(Math.abs(b.startMs - secondAt) <= 150, `second starts at ${b.startMs} (put at ${secondAt})`);
    // a partial comes before its utterance's final, covering the speech so far
    const firstPartial = partials.find((p) => p.startMs === a.startMs);
    assert.ok(firstPartial && events.indexOf(firstPartial) < events.indexOf(a), JSON.stringify(partials));
    assert.ok(firstPartial.endMs < a.endMs + 150 && firstPartial.text.length > 0);
  });

  it('a recogniser the speech process does not have: open() rejects with the reason', async () => {
    const broken = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'none', dir: join(root, 'no-such-model') }) });
    await assert.rejects(broken.open({ partialEveryMs: 0, onEvent: () => undefined }), /model\.onnx|no such|missing/i);
  });
});
