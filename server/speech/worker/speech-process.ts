// The speech child process: VAD (onnxruntime-node), sherpa-onnx voices and offline recognisers, off the server's
// process, because sherpa-onnx exit()s on some bad models and that must not end the server.
// Started by SpeechProcess (supervisor.ts); argv[2] is the PCM socket path.
import { onnxModelCheck } from '../check/model-check.js';
import { offlineAsrCheck } from '../check/offline-asr-check.js';
import { sherpa, type SherpaOfflineRecognizer, type SherpaOfflineTts } from '../sherpa.js';
import { dithered } from './dither.js';
import { OnlineModels } from './online-models.js';
import { offlineRecognizerConfig } from './offline-config.js';
import { loadPunctuation, punctuate } from './punctuation.js';
import { SileroVad, vadSegmentsOf } from '../vad/silero.js';
import type { VadSegment } from '../vad/segmenter.js';
import { startPcmInlet } from './pcm-socket.js';
import type { SpeechMessage, SpeechRequest, SpeechResult } from './protocol.js';
import { StreamAsr, type StreamAsrConfig } from './stream-asr.js';
import { join } from 'node:path';
import { existsSync, readdirSync, rmSync } from 'node:fs';

const send = (m: SpeechMessage): void => {
  process.send?.(m);
};
const voices = new Map<string, SherpaOfflineTts>();
/**
 * with the factor by which sherpa-onnx's token times are short (it assumes no subsampling for tdnn
 * models) and the longest audio one decode may take (Whisper: sherpa-onnx keeps the first 30 s less
 * 50 frames and drops the rest with a log line), null: no limit
 */
const recognizers = new Map<string, { recognizer: SherpaOfflineRecognizer; timeScale: number; maxSeconds: number | null }>();
/** Whisper's pieces: under its 30 s window with room for the 50 frames sherpa-onnx keeps free */
const WHISPER_MAX_SECONDS = 28;
/** streaming transducers (OnlineRecognizer, KeywordSpotter) */
const online = new OnlineModels();
/** PCM socket streams whose utterances are recognised (live transcription, IVR speech input) */
const asrConfigs = new Map<number, StreamAsrConfig>();

async function vadSegments(rate: 8000 | 16000, pcm: Int16Array): Promise<VadSegment[]> {
  const vad = await SileroVad.create({ rate });
  try {
    return await vadSegmentsOf({ vad, pcm });
  } finally {
    await vad.release();
  }
}

async function loadVoice(name: string, dir: string, check: boolean): Promise<number> {
  if (check) {
    await onnxModelCheck({ entry: { name, kind: 'tts', languages: [], sampleRate: null, url: 'file:///', format: 'tar.bz2', sizeBytes: null, licence: null, sha256: null, files: ['*.onnx'] }, dir });
  }
  const model = readdirSync(dir).find((f) => f.endsWith('.onnx'));
  if (!model) throw new Error(`no .onnx file in ${dir}`);
  const dataDir = join(dir, 'espeak-ng-data');
  const tts = new (sherpa().OfflineTts)({
    model: { vits: { model: join(dir, model), tokens: join(dir, 'tokens.txt'), ...(existsSync(dataDir) ? { dataDir } : {}) }, numThreads: 1, debug: false },
    maxNumSentences: 1,
  });
  voices.set(name, tts);
  return tts.sampleRate;
}

/** always checked: sherpa-onnx would exit() on the model problems the check turns into refusals */
async function loadRecognizer(name: string, dir: string): Promise<SpeechResult> {
  if (online.isStreaming(dir)) return { op: 'load-recognizer', ...(await online.load(name, dir)), streaming: true };
  const m = await offlineAsrCheck({ name, dir });
  const recognizer = new (sherpa().OfflineRecognizer)(offlineRecognizerConfig(m));
  recognizers.set(name, { recognizer, timeScale: m.subsamplingFactor, maxSeconds: m.modelType === 'whisper' ? WHISPER_MAX_SECONDS : null });
  return { op: 'load-recognizer', sampleRate: m.sampleRate, featureDim: m.featureDim, vocabSize: m.vocabSize, streaming: false, modelType: m.modelType };
}

/** one decode of `pcm`; token times from its start */
function decodeOnce(recognizer: SherpaOfflineRecognizer, rate: number, pcm: Int16Array): { text: string; tokens: string[]; timestamps: number[] } {
  const stream = recognizer.createStream();
  stream.acceptWaveform({ samples: dithered(pcm), sampleRate: rate });
  recognizer.decode(stream);
  return recognizer.getResult(stream);
}

function transcribe(name: string, rate: number, pcm: Int16Array): SpeechResult {
  const loaded = recognizers.get(name);
  if (!loaded) throw new Error(`recogniser '${name}' is not loaded`);
  const { recognizer, timeScale, maxSeconds } = loaded;
  // audio longer than the model's window is decoded in consecutive pieces (a word across a cut may
  // be misheard, which is better than the tail being dropped); the texts are joined as they came
  const piece = maxSeconds === null ? Math.max(1, pcm.length) : maxSeconds * rate;
  const out = { text: '', tokens: [] as string[], timestamps: [] as number[] };
  for (let start = 0; start === 0 || start < pcm.length; start += piece) {
    const r = decodeOnce(recognizer, rate, pcm.subarray(start, start + piece));
    out.text += r.text;
    out.tokens.push(...r.tokens);
    out.timestamps.push(...r.timestamps.map((t) => t * timeScale + start / rate));
  }
  return { op: 'transcribe', ...out };
}

async function handle(req: SpeechRequest): Promise<SpeechResult> {
  switch (req.op) {
    case 'ping':
      return { op: 'ping', pid: process.pid };
    case 'vad':
      return { op: 'vad', segments: await vadSegments(req.rate, req.pcm) };
    case 'load-voice':
      return { op: 'load-voice', sampleRate: await loadVoice(req.name, req.dir, req.check) };
    case 'synthesize': {
      const tts = voices.get(req.voice);
      if (!tts) throw new Error(`voice '${req.voice}' is not loaded`);
      const audio = tts.generate({ text: req.text, sid: 0, speed: req.speed });
      return { op: 'synthesize', sampleRate: audio.sampleRate, samples: audio.samples };
    }
    case 'load-recognizer':
      return loadRecognizer(req.name, req.dir);
    case 'transcribe':
      return transcribe(req.recognizer, req.rate, req.pcm);
    case 'stream-asr': {
      const keywords = req.keywords ?? [];
      if (online.has(req.recognizer)) online.checkKeywords(req.recognizer, keywords);
      else if (!recognizers.has(req.recognizer)) throw new Error(`recogniser '${req.recognizer}' is not loaded`);
      else if (keywords.length > 0) throw new Error(`keywords need a streaming transducer; '${req.recognizer}' is an offline recogniser`);
      asrConfigs.set(req.stream, { recognizer: req.recognizer, partialEveryMs: req.partialEveryMs, keywords });
      return { op: 'stream-asr' };
    }
    case 'load-punctuation':
      return loadPunctuation(req.name, req.dir);
    case 'punctuate':
      return punctuate(req.punctuation, req.text);
  }
}

const socketPath = process.argv[2];
if (!socketPath) throw new Error('speech process: no PCM socket path');
rmSync(socketPath, { force: true });
await startPcmInlet({
  path: socketPath,
  emit: send,
  asrConfigs,
  createAsr: ({ stream, config, rate, chunkMs }) =>
    online.has(config.recognizer)
      ? online.streamAsr({ stream, config, rate, emit: send })
      : new StreamAsr({
          stream,
          config,
          rate,
          chunkMs,
          recognize: ({ recognizer, rate, pcm }) => {
            const r = transcribe(recognizer, rate, pcm);
            return r.op === 'transcribe' ? r.text : '';
          },
          emit: send,
        }),
});
process.on('message', (raw) => {
  const req = raw as SpeechRequest;
  handle(req).then(
    (result) => send({ id: req.id, ok: true, result }),
    (err: unknown) => send({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
// the server went away: so do we (no orphaned speech processes)
process.on('disconnect', () => process.exit(0));
send({ event: 'ready', pcmSocket: socketPath });
