import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../sip/index.js';
import { SpeechError, SpeechProcess } from './supervisor.js';
import { espeak, extent, throughG711 } from './testing/audio.js';
import { identityOnnx } from './testing/onnx-build.js';
import { pcmRecord } from './worker/pcm-socket.js';
import type { SpeechEvent } from './worker/protocol.js';

describe('speech process (supervised child)', () => {
  let root: string;
  let speech: SpeechProcess;
  const events: SpeechEvent[] = [];
  const crashes: string[] = [];
  let badVoice = '';
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-speech-'));
    // a vits voice whose ONNX metadata lacks sample_rate, which sherpa-onnx reads and exit()s without
    badVoice = join(root, 'bad-voice');
    mkdirSync(badVoice);
    writeFileSync(join(badVoice, 'model.onnx'), identityOnnx({ metadata: { model_type: 'vits' } }));
    writeFileSync(join(badVoice, 'tokens.txt'), 'a 0\nb 1\n');
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root, onEvent: (e) => events.push(e), onCrash: (c) => crashes.push(c) });
    await speech.start();
  });
  after(async () => {
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a voice with wrong ONNX metadata is refused with the reason before sherpa-onnx loads it, and the process stays up', async () => {
    const pid = speech.pid;
    await assert.rejects(speech.request({ op: 'load-voice', name: 'bad', dir: badVoice, check: true }), (err: unknown) => {
      assert.ok(err instanceof SpeechError);
      assert.equal(err.code, 'speech-failed');
      assert.match(err.message, /model\.onnx has no 'sample_rate' in its ONNX metadata/);
      return true;
    });
    assert.deepEqual(await speech.request({ op: 'ping' }), { op: 'ping', pid });
    assert.deepEqual(crashes, []);
  });

  it('when sherpa-onnx exit()s (the check skipped) the caller gets the cause, not a hang, and a new process answers', async () => {
    const pid = speech.pid;
    await assert.rejects(speech.request({ op: 'load-voice', name: 'bad', dir: badVoice, check: false }), (err: unknown) => {
      assert.ok(err instanceof SpeechError);
      assert.equal(err.code, 'speech-crashed');
      // sherpa-onnx's own words on stderr (offline-tts-vits-model.cc)
      assert.match(err.message, /'sample_rate' does not exist in the metadata/);
      return true;
    });
    assert.equal(crashes.length, 1);
    // the restart may not have begun yet; a request waits for the new process
    await new Promise((r) => setTimeout(r, 50));
    const pong = await speech.request({ op: 'ping' });
    assert.equal(pong.op, 'ping');
    assert.notEqual((pong as { pid: number }).pid, pid);
    assert.equal(speech.restarts, 1);
  });

  it('PCM written to the speech socket (as a media worker would) is segmented by VAD without the main thread relaying frames', async () => {
    const said = throughG711(espeak({ text: 'please hold the line', rate: 8000 }));
    const lead = 8000 * 0.6;
    const pcm = new Int16Array(lead + said.length + 8000);
    pcm.set(said, lead);
    const truth = extent(pcm);
    const path = speech.pcmSocket;
    assert.ok(path);
    events.length = 0;
    const sock = connect(path);
    await new Promise<void>((r) => sock.once('connect', () => r()));
    // 20 ms frames, as the media engine's ticker produces them
    for (let i = 0; i < pcm.length; i += 160) sock.write(pcmRecord({ stream: 7, rate: 8000, pcm: pcm.subarray(i, i + 160) }));
    sock.end(pcmRecord({ stream: 7, rate: 8000, pcm: new Int16Array(0) }));
    const deadline = Date.now() + 120_000;
    while (!events.some((e) => e.event === 'vad-end') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const ends = events.filter((e) => e.event === 'vad-end');
    const end = ends[0];
    assert.equal(ends.length, 1, JSON.stringify(events));
    assert.ok(end && end.event === 'vad-end');
    assert.equal(end.stream, 7);
    assert.ok(Math.abs(end.segment.startMs - (truth.first / 8)) <= 100, `start ${end.segment.startMs} vs ${truth.first / 8}`);
    assert.ok(Math.abs(end.segment.endMs - (truth.last / 8)) <= 100, `end ${end.segment.endMs} vs ${truth.last / 8}`);
  });
});
