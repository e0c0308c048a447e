// Live transcription (server/transcription/live.ts) over real parts without SIP: a media worker
// relays a call between two RTP phones (G.711 on loopback), the speech process recognises each leg
// with a fixture digit model (the offline CTC one, then the streaming transducer), and finals go to a
// real database file. The caller says a digit
// string, then the speech process is killed (as sherpa-onnx's exit() or an OOM would): its taps end
// with the reason, the legs are tapped again on the new process, and the caller's next digit string
// is transcribed. The callee sends silence and gets nothing.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkerMediaEngine } from '../media/engine.js';
import { TestPhone } from '../media/testing/phone.js';
import type { MediaFormat } from '../media/index.js';
import { silentLogger } from '../server/sip/index.js';
import { SherpaOfflineAsr, SpeechProcess, SpeechStreams } from '../server/speech/index.js';
import { espeak, throughG711 } from '../server/speech/testing/audio.js';
import { digitErrors } from '../server/speech/testing/digits.js';
import { openTempDatabase } from '../server/store/testing.js';
import { TranscriptsRepository } from '../server/store/index.js';
import { LiveTranscription } from '../server/transcription/index.js';
import type { TranscriptEventJson } from '../server/api/index.js';
import { freePortBlock } from './helpers/ports.js';

const MODELS = [
  { kind: 'offline CTC', name: 'digits', dir: fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url)) },
  { kind: 'streaming transducer', name: 'digits-stream', dir: fileURLToPath(new URL('./fixtures/speech/digits-transducer', import.meta.url)) },
];
const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** µ-law bytes of `ms` of silence, then the digits spoken, then 1 s of silence (G.711.0: 0xff is zero) */
function ulaw(digits: string, leadMs: number): Buffer {
  const pcm = throughG711(espeak({ text: digits, voice: 'en-us+f4', rate: 8000 }));
  const out = Buffer.alloc(8 * leadMs + pcm.length + 8000, 0xff);
  for (let i = 0; i < pcm.length; i++) out[8 * leadMs + i] = linearToUlaw(pcm[i]!);
  return out;
}

/** ITU-T G.711 µ-law encoding of one sample */
function linearToUlaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  let s = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  s = ~(sign | (exponent << 4) | mantissa);
  return s & 0xff;
}

describe('live transcription across a speech process crash (media worker taps, real speech process)', () => {
  let root: string;
  let engine: WorkerMediaEngine;
  let speech: SpeechProcess;
  let db: Awaited<ReturnType<typeof openTempDatabase>>;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-live-restart-'));
    const base = await freePortBlock(10);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 9, workers: 1 });
    await engine.start();
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
    db = await openTempDatabase();
  });
  after(async () => {
    await engine.close();
    await speech.close();
    await db.cleanup().catch(() => undefined);
    rmSync(root, { recursive: true, force: true });
  });

  for (const model of MODELS) it(`${model.kind}: the caller's digits before and after the speech process is killed are both transcribed; nothing for the silent callee`, { timeout: 120_000 }, async (t) => {
    const streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: model.name, dir: model.dir }) });
    const repo = new TranscriptsRepository({ db: db.database.db });
    const live = new LiveTranscription({ streams, store: repo, logger: silentLogger, now: Date.now, partialEveryMs: 0 });
    const events: TranscriptEventJson[] = [];
    live.subscribe((e) => events.push(e));
    const a = await TestPhone.open();
    const b = await TestPhone.open();
    const ea = await engine.createEndpoint({ group: 'call' });
    const eb = await engine.createEndpoint({ group: 'call' });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    eb.setRemote({ address: '127.0.0.1', rtpPort: b.port });
    ea.setFormat(PCMU);
    eb.setFormat(PCMU);
    ea.connect(eb);
    const closers: (() => void)[] = [];
    const call = { id: `call-restart-${model.name}`, caller: '1001', callee: '1002', startedAt: Date.now(), parties: { caller: ea, callee: eb }, onClose: (l: () => void) => void closers.push(l) };
    try {
      await live.callAnswered(call);
      const finals = () => events.filter((e) => e.type === 'transcript.final');
      const waitFinals = async (n: number) => {
        const deadline = Date.now() + 30_000;
        while (finals().length < n && Date.now() < deadline) await sleep(50);
      };
      const first = ulaw('4 8 2 1 5', 500);
      const silence = Buffer.alloc(first.length, 0xff);
      await Promise.all([
        a.stream({ to: ea.rtpPort, data: first, payloadType: 0, bytesPerPacket: 160 }),
        b.stream({ to: eb.rtpPort, data: silence, payloadType: 0, bytesPerPacket: 160 }),
      ]);
      await waitFinals(1);
      assert.equal(finals().length, 1, JSON.stringify(events));

      const pid = speech.pid!;
      process.kill(pid, 'SIGKILL');
      // the taps see the socket close, the legs are tapped again once the new process is up
      const deadline = Date.now() + 30_000;
      while ((speech.pid === pid || speech.pid === undefined || speech.pcmSocket === null) && Date.now() < deadline) await sleep(50);
      assert.notEqual(speech.pid, pid, 'a new speech process');
      // the re-tap waits a second for the new process (live.ts RETAP_DELAY_MS), then loads the model there
      await sleep(3000);

      const second = ulaw('9 0 3 7', 500);
      await Promise.all([
        a.stream({ to: ea.rtpPort, data: second, payloadType: 0, bytesPerPacket: 160 }),
        b.stream({ to: eb.rtpPort, data: Buffer.alloc(second.length, 0xff), payloadType: 0, bytesPerPacket: 160 }),
      ]);
      await waitFinals(2);
      for (const close of closers) close();
      await sleep(500);

      const texts = finals().map((e) => e.text);
      t.diagnostic(`finals: ${texts.join(' / ')}`);
      assert.equal(texts.length, 2, JSON.stringify(events));
      assert.ok(events.every((e) => e.leg === 'caller' && e.callId === call.id), JSON.stringify(events));
      assert.ok(digitErrors('48215', texts[0]!) <= 1, texts[0]);
      assert.ok(digitErrors('9037', texts[1]!) <= 1, texts[1]);
      // the second utterance is placed after the first on the call's timeline
      assert.ok(finals()[1]!.startMs > finals()[0]!.endMs, JSON.stringify(finals()));
      const stored = await repo.segments(call.id);
      assert.deepEqual(stored.map((s) => [s.source, s.speaker, s.text]), texts.map((x) => ['live', 'caller', x]));
    } finally {
      a.close();
      b.close();
      await Promise.all([ea.close(), eb.close()]);
    }
  });
});
