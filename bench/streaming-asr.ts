// The fixture streaming transducer through sherpa-onnx (issue 13), in this process (a bench: the
// server loads sherpa-onnx only in the speech process): held-out digit error of the OnlineRecognizer
// (decoded chunk by chunk as a call leg is) beside the offline CTC fixture on the same audio, and the
// CPU cost per second of audio (real-time factor) of streaming recognition, alone and with a keyword
// stream, hence concurrent legs per core. Audio: seeded random digit strings by held-out espeak-ng
// voices through sox's G.711, 20 ms chunks. Fixture figures, not a real model's. Asserts nothing.
//   npx tsx bench/streaming-asr.ts [--utterances 40] [--model DIR] [--offline DIR]
// --model: any streaming folder the speech process loads (lstm, zipformer, zipformer2: the contract
// fixtures digits-zipformer2 / digits-zipformer, or an installed real model, whose digit error on
// these digit strings says little); --offline: an offline folder (tdnn or SenseVoice).
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { offlineAsrCheck } from '../server/speech/check/offline-asr-check.js';
import { onlineAsrCheck } from '../server/speech/check/online-asr-check.js';
import { sherpa, keywordStream, type SherpaOnlineModel } from '../server/speech/sherpa.js';
import { offlineRecognizerConfig } from '../server/speech/worker/offline-config.js';
import { espeak, throughG711 } from '../server/speech/testing/audio.js';
import { digitErrors } from '../server/speech/testing/digits.js';
import { dithered } from '../server/speech/worker/dither.js';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const UTTERANCES = arg('utterances', 40);
const out = (line: string): void => void process.stdout.write(`${line}\n`);
const dir = (name: string): string => fileURLToPath(new URL(`../test/fixtures/speech/${name}`, import.meta.url));
const option = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
};
// checked as the speech process checks them: the same files, front end and model type
const streaming = await onlineAsrCheck({ name: 'bench', dir: option('model', dir('digits-transducer')) });
const offlineModel = await offlineAsrCheck({ name: 'bench-offline', dir: option('offline', dir('digits-tdnn')) });
/** voices and variants training never used (scripts/speech-fixtures/make_digits.py HELDOUT) */
const VOICES = ['en-gb-scotland', 'en-us', 'cmn'].flatMap((l) => ['m3', 'f4', 'klatt4', 'edward', 'steph2'].map((v) => `${l}+${v}`));

let seed = 1013;
const random = (): number => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 4294967296;
};
const cases = Array.from({ length: UTTERANCES }, () => {
  const digits = Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * 10)).join(' ');
  const voice = VOICES[Math.floor(random() * VOICES.length)]!;
  const pcm = throughG711(Int16Array.from([...new Int16Array(2400), ...espeak({ text: digits, voice, rate: 8000 }), ...new Int16Array(8000)]));
  return { digits: digits.replace(/ /g, ''), voice, pcm };
});
const audioS = cases.reduce((n, c) => n + c.pcm.length, 0) / 8000;

const model: SherpaOnlineModel = {
  featConfig: { sampleRate: streaming.sampleRate, featureDim: streaming.featureDim },
  modelConfig: { transducer: { encoder: streaming.encoder, decoder: streaming.decoder, joiner: streaming.joiner }, tokens: streaming.tokens, modelType: streaming.modelType, numThreads: 1, debug: false },
};
const online = new (sherpa().OnlineRecognizer)({ ...model, decodingMethod: 'greedy_search', enableEndpoint: false, rule1MinTrailingSilence: 5, rule2MinTrailingSilence: 0.8, rule3MinUtteranceLength: 30 });
// keyword spotting needs the digit tokens (the fixtures'); a real model's pass is skipped
const hasDigits = ['1', '2', '3', '4', '8'].every((t) => streaming.symbols.includes(t));
const first = streaming.symbols.find((t, i) => i > 0 && t !== '') ?? '';
const buf = `${Array(12).fill(first).join(' ')} @_placeholder\n`;
const spotter = new (sherpa().KeywordSpotter)({ ...model, keywordsBuf: buf, keywordsBufSize: Buffer.byteLength(buf), maxActivePaths: 4, numTrailingBlanks: 1, keywordsScore: 1, keywordsThreshold: 0.25 });
const offline = new (sherpa().OfflineRecognizer)(offlineRecognizerConfig(offlineModel));

function streamingPass(withKeywords: boolean): { errors: number; cpuS: number } {
  let errors = 0;
  const cpu0 = process.cpuUsage();
  for (const c of cases) {
    const s = online.createStream();
    const k = withKeywords ? keywordStream(spotter, '4 8 @k0/1 2 3 @k1') : null;
    for (let i = 0; i < c.pcm.length; i += 160) {
      const wave = { samples: dithered(c.pcm.subarray(i, i + 160)), sampleRate: 8000 };
      s.acceptWaveform(wave);
      while (online.isReady(s)) online.decode(s);
      if (k) {
        k.acceptWaveform(wave);
        while (spotter.isReady(k)) {
          spotter.decode(k);
          if (spotter.getResult(k).keyword !== '') spotter.reset(k);
        }
      }
    }
    errors += digitErrors(c.digits, online.getResult(s).text.replace(/ /g, ''));
  }
  const cpu = process.cpuUsage(cpu0);
  return { errors, cpuS: (cpu.user + cpu.system) / 1e6 };
}

const digits = cases.reduce((n, c) => n + c.digits.length, 0);
out(`host: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'} (load affects the CPU figures)`);
out(`models: streaming ${streaming.modelType} ${streaming.encoder}; offline ${offlineModel.modelType} ${offlineModel.model}`);
out(`audio: ${UTTERANCES} utterances by held-out espeak-ng voices through G.711, ${digits} digits, ${audioS.toFixed(1)} s`);
streamingPass(false); // warm-up
const plain = streamingPass(false);
const kws = hasDigits ? streamingPass(true) : null;
let offErrors = 0;
for (const c of cases) {
  const s = offline.createStream();
  s.acceptWaveform({ samples: dithered(c.pcm), sampleRate: 8000 });
  offline.decode(s);
  offErrors += digitErrors(c.digits, offline.getResult(s).text.replace(/ /g, ''));
}
const pct = (e: number): string => `${((e / digits) * 100).toFixed(1)} % (${e}/${digits})`;
out(`digit error: streaming ${streaming.modelType} (OnlineRecognizer, 20 ms chunks) ${pct(plain.errors)}; offline ${offlineModel.modelType} on the same audio ${pct(offErrors)}`);
for (const [what, r] of [['streaming ASR', plain], ['streaming ASR + keyword spotting', kws]] as const) {
  if (r === null) continue;
  const rtf = r.cpuS / audioS;
  out(`${what}: ${r.cpuS.toFixed(2)} s CPU for ${audioS.toFixed(1)} s of audio: real-time factor ${rtf.toFixed(4)}, ~${Math.floor(1 / rtf)} concurrent legs per core (recognition only; VAD and the socket not included)`);
}
