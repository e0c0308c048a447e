// Barge-in measured on the wire (server/ivr/speech-input.ts, no SIP): a media worker plays a long
// espeak-ng prompt as RTP to an RTP phone on loopback while that phone starts saying a digit string.
// The caller's endpoint is tapped for the real speech process (fixture digit recogniser); when VAD
// says speech started the prompt is stopped. From the phone's own clock: when its speech began (the
// first loud sample it sent), when VAD's start reached the IVR, and when the prompt's last RTP
// packet arrived. The figures are printed (no timing is asserted); the answer and the cut-short
// prompt are asserted.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { WorkerMediaEngine } from '../media/engine.js';
import { TestPhone } from '../media/testing/phone.js';
import type { MediaFormat } from '../media/index.js';
import type { Call } from '../server/calls/call.js';
import { collectSpeech } from '../server/ivr/speech-input.js';
import { silentLogger } from '../server/sip/index.js';
import { SherpaOfflineAsr, SpeechProcess, SpeechStreams } from '../server/speech/index.js';
import { espeak, throughG711 } from '../server/speech/testing/audio.js';
import { digitErrors } from '../server/speech/testing/digits.js';
import { freePortBlock } from './helpers/ports.js';

const MODEL = fileURLToPath(new URL('./fixtures/speech/digits-tdnn', import.meta.url));
const PCMU: MediaFormat = { codec: 'PCMU', payloadType: 0, clockRate: 8000, telephoneEvent: null };
const PROMPT = 'Please say your account number, one digit at a time. You may start speaking at any moment, even while this message is still playing.';
const LEAD_MS = 1500;
/** a 20 ms frame this loud (RMS of 16-bit samples) is speech or prompt, not silence */
const LOUD = 300;

/** ITU-T G.711 µ-law */
function ulawToLinear(u: number): number {
  const x = ~u & 0xff;
  const t = (((x & 0x0f) << 3) + 0x84) << ((x & 0x70) >> 4);
  return x & 0x80 ? 0x84 - t : t - 0x84;
}
function linearToUlaw(sample: number): number {
  const sign = sample < 0 ? 0x80 : 0;
  const s = Math.min(32635, Math.abs(sample)) + 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}
const rms = (samples: ArrayLike<number>): number => {
  let e = 0;
  for (let i = 0; i < samples.length; i++) e += samples[i]! * samples[i]!;
  return Math.sqrt(e / Math.max(1, samples.length));
};

describe('IVR barge-in on the wire (media worker, speech process, RTP phone)', () => {
  let root: string;
  let engine: WorkerMediaEngine;
  let speech: SpeechProcess;
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'hailing-barge-in-'));
    const base = await freePortBlock(6);
    engine = new WorkerMediaEngine({ bindAddress: '127.0.0.1', portMin: base, portMax: base + 5, workers: 1 });
    await engine.start();
    speech = new SpeechProcess({ logger: silentLogger, socketDir: root });
  });
  after(async () => {
    await engine.close();
    await speech.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('speech during the prompt stops it; the utterance is the answer', { timeout: 90_000 }, async (t) => {
    const promptFile = join(root, 'prompt.wav');
    execFileSync('espeak-ng', ['-v', 'en-us', '-w', join(root, 'raw.wav'), PROMPT]);
    execFileSync('sox', [join(root, 'raw.wav'), '-r', '8000', '-c', '1', '-b', '16', promptFile]);
    const promptMs = Number(execFileSync('soxi', ['-D', promptFile]).toString().trim()) * 1000;
    // the prompt's own audible 20 ms frames: what a phone hears of it when nothing stops it
    const raw = execFileSync('sox', [promptFile, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-L', '-']);
    const promptPcm = new Int16Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + (raw.length & ~1)));
    let promptAudibleMs = 0;
    for (let at = 0; at + 160 <= promptPcm.length; at += 160) if (rms(promptPcm.subarray(at, at + 160)) > LOUD) promptAudibleMs += 20;
    const streams = new SpeechStreams({ speech, recognizer: new SherpaOfflineAsr({ speech, name: 'digits', dir: MODEL }) });
    await speech.start();
    const a = await TestPhone.open();
    const ea = await engine.createEndpoint({ group: 'ivr' });
    ea.setRemote({ address: '127.0.0.1', rtpPort: a.port });
    ea.setFormat(PCMU);
    // what speech-input needs of a Call here: its id and (unused) dtmf/close events
    const call = { id: 'barge-in', on: () => () => undefined } as unknown as Call;
    const speechPcm = throughG711(espeak({ text: '4 8 2 1 5', voice: 'en-us+f4', rate: 8000 }));
    const said = Buffer.alloc(8 * LEAD_MS + speechPcm.length + 8000 * 3, 0xff);
    for (let i = 0; i < speechPcm.length; i++) said[8 * LEAD_MS + i] = linearToUlaw(speechPcm[i]!);
    let firstLoud = -1;
    for (let f = 0; firstLoud < 0 && f * 160 < speechPcm.length; f++) if (rms(speechPcm.subarray(f * 160, f * 160 + 160)) > LOUD) firstLoud = LEAD_MS + f * 20;
    let vadAt = -1;
    let streamStart = 0;
    try {
      const answer = collectSpeech({
        call,
        endpoint: ea,
        streams,
        logger: silentLogger,
        now: () => performance.now(),
        onBargeIn: (b) => void (vadAt = b.at),
        req: { prompt: { play: 'prompt.wav' }, accept: ['speech'], dtmf: { minLength: 1, maxLength: 32, firstDigitTimeoutMs: 8000, interDigitTimeoutMs: 3000, terminators: '' } },
        prompt: () =>
          new Promise<'done'>((resolve) => {
            const off = ea.on('play-done', () => {
              off();
              resolve('done');
            });
            ea.play('prompt', { file: promptFile });
            // the phone starts talking with the prompt: its speech begins LEAD_MS + the voice's own lead later
            streamStart = performance.now();
            void a.stream({ to: ea.rtpPort, data: said, payloadType: 0, bytesPerPacket: 160 });
          }),
      });
      const got = await answer;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(got?.kind, 'speech', JSON.stringify(got));
      const text = got?.kind === 'speech' ? got.text : '';
      const speechAt = streamStart + firstLoud;
      const audible = a.received.filter((p) => p.payloadType === 0 && rms(Array.from(p.payload, ulawToLinear)) > LOUD);
      // the endpoint sends nothing once its playback stopped (it relays to no one here): the last packet is the stop
      const lastPacket = a.received.filter((p) => p.payloadType === 0).at(-1)!.atMs;
      const heardMs = audible.length * 20;
      t.diagnostic(
        `said 48215, answer "${text}" (${digitErrors('48215', text)} digit errors); prompt ${Math.round(promptMs)} ms (${promptAudibleMs} ms audible), ${heardMs} ms of it heard at the phone; ` +
          `speech began at ${Math.round(speechAt - streamStart)} ms, VAD's start reached the IVR ${Math.round(vadAt - speechAt)} ms later, ` +
          `the prompt's last packet arrived ${Math.round(lastPacket - vadAt)} ms after that (${Math.round(lastPacket - speechAt)} ms after the speech began)`,
      );
      assert.ok(vadAt > 0, 'barge-in happened');
      assert.match(text, /^[0-9]+$/);
      assert.ok(heardMs < promptAudibleMs * 0.75, `${heardMs} ms of the prompt's ${promptAudibleMs} audible ms were heard`);
    } finally {
      a.close();
      await ea.close();
    }
  });
});
