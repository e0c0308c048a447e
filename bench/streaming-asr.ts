// The fixture streaming transducer through sherpa-onnx (issue 13), in this process (a bench: the
// server loads sherpa-onnx only in the speech process): held-out digit error of the OnlineRecognizer
// (decoded chunk by chunk as a call leg is) beside the offline CTC fixture on the same audio, and the
// CPU cost per second of audio (real-time factor) of streaming recognition, alone and with a keyword
// stream, hence concurrent legs per core. Audio: seeded random digit strings by held-out espeak-ng
// voices through sox's G.711, 20 ms chunks. Fixture figures, not a real model's. Asserts nothing.
//   npx tsx bench/streaming-asr.ts [--utterances 40]
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sherpa, keywordStream, type SherpaOnlineModel } from '../server/speech/sherpa.js';
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
const STREAMING = dir('digits-transducer');
const OFFLINE = dir('digits-tdnn');
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
  featConfig: { sampleRate: 8000, featureDim: 23 },
  modelConfig: { transducer: { encoder: `${STREAMING}/encoder.onnx`, decoder: `${STREAMING}/decoder.onnx`, joiner: `${STREAMING}/joiner.onnx` }, tokens: `${STREAMING}/tokens.txt`, numThreads: 1, debug: false },
};
const online = new (sherpa().OnlineRecognizer)({ ...model, decodingMethod: 'greedy_search', enableEndpoint: false, rule1MinTrailingSilence: 5, rule2MinTrailingSilence: 0.8, rule3MinUtteranceLength: 30 });
const buf = '0 0 0 0 0 0 0 0 0 0 0 0 @_placeholder\n';
const spotter = new (sherpa().KeywordSpotter)({ ...model, keywordsBuf: buf, keywordsBufSize: Buffer.byteLength(buf), maxActivePaths: 4, numTrailingBlanks: 1, keywordsScore: 1, keywordsThreshold: 0.25 });
const offline = new (sherpa().OfflineRecognizer)({ featConfig: { sampleRate: 8000, featureDim: 23 }, modelConfig: { tdnn: { model: `${OFFLINE}/model.onnx` }, tokens: `${OFFLINE}/tokens.txt`, numThreads: 1, debug: false }, decodingMethod: 'greedy_search' });

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
out(`audio: ${UTTERANCES} utterances by held-out espeak-ng voices through G.711, ${digits} digits, ${audioS.toFixed(1)} s`);
streamingPass(false); // warm-up
const plain = streamingPass(false);
const kws = streamingPass(true);
let offErrors = 0;
for (const c of cases) {
  const s = offline.createStream();
  s.acceptWaveform({ samples: dithered(c.pcm), sampleRate: 8000 });
  offline.decode(s);
  offErrors += digitErrors(c.digits, offline.getResult(s).text.replace(/ /g, ''));
}
const pct = (e: number): string => `${((e / digits) * 100).toFixed(1)} % (${e}/${digits})`;
out(`digit error: streaming transducer (OnlineRecognizer, 20 ms chunks) ${pct(plain.errors)}; offline CTC fixture on the same audio ${pct(offErrors)}`);
for (const [what, r] of [['streaming ASR', plain], ['streaming ASR + keyword spotting', kws]] as const) {
  const rtf = r.cpuS / audioS;
  out(`${what}: ${r.cpuS.toFixed(2)} s CPU for ${audioS.toFixed(1)} s of audio: real-time factor ${rtf.toFixed(4)}, ~${Math.floor(1 / rtf)} concurrent legs per core (recognition only; VAD and the socket not included)`);
}
