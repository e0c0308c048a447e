// Transcription, when HAILING_TRANSCRIBE_MODEL names a model folder: the speech process (started
// here; it holds the recogniser, so a model that makes sherpa-onnx exit() ends only that process),
// the recogniser on it, the post-call job queue's worker (jobs are queued when a recorded call's
// recording is complete) and, with HAILING_LIVE_TRANSCRIBE, live transcription of each answered
// conversation's legs (server/transcription/live.ts), with HAILING_LIVE_TRANSCRIBE_MODEL's streaming
// transducer when set (it also spots the keyword lists' phrases and HAILING_LIVE_KEYWORDS, spelled
// in its tokens.txt, and stores the hits), else with the post-call recogniser.
// Finals (live and post-call) are punctuated when a punctuation model is found (./punctuation.ts).
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { RecordingVault } from '../recording/index.js';
import type { Logger } from '../sip/index.js';
import { SherpaOfflineAsr, SpeechProcess, SpeechStreams } from '../speech/index.js';
import { KeywordRepository, TranscriptsRepository, type CallRecordView, type Db } from '../store/index.js';
import { CallKeywords, LiveTranscription, TranscriptionService } from '../transcription/index.js';
import { readVocabulary, type KeywordVocabulary } from '../speech/keyword-spelling.js';
import { transducerFiles } from '../speech/check/model-files.js';
import { createPunctuation } from './punctuation.js';

export interface TranscriptionSide {
  readonly repository: TranscriptsRepository;
  /** keyword lists and hits; the lists' phrases are checked against the live model's tokens */
  readonly keywords: CallKeywords;
  /** null when transcription is off */
  readonly service: TranscriptionService | null;
  /** null when live transcription is off (or has no recogniser) */
  readonly live: LiveTranscription | null;
  /** recognised PCM streams on the speech process (IVR speech input); null without a recogniser */
  readonly streams: SpeechStreams | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTranscriptionSide(o: {
  config: Pick<Config, 'transcribeModel' | 'liveTranscribe' | 'liveTranscribePartialMs' | 'liveTranscribeModel' | 'liveKeywords' | 'punctuationModel' | 'modelsDir'>;
  db: Db;
  logger: Logger;
  vault: RecordingVault;
  recordingsDir: string;
  records: { get(id: string): Promise<CallRecordView | undefined> };
  now: () => number;
  /** PCI DSS: the call's recording is paused or it is in a sensitive IVR step (calls built later: called during calls only) */
  withheld?: (callId: string) => boolean;
}): TranscriptionSide {
  const repository = new TranscriptsRepository({ db: o.db, now: o.now });
  const modelDir = o.config.transcribeModel;
  const liveDir = o.config.liveTranscribe ? (o.config.liveTranscribeModel ?? modelDir) : undefined;
  const logger = o.logger;
  const keywordRepository = new KeywordRepository({ db: o.db, now: o.now });
  const keywords = new CallKeywords({ repository: keywordRepository, vocabulary: spottingVocabulary(liveDir, logger), model: liveDir === undefined ? '' : basename(resolve(liveDir)), configured: o.config.liveKeywords, logger });
  if (modelDir === undefined && liveDir === undefined) {
    if (o.config.liveTranscribe) {
      logger.error(
        { setting: 'HAILING_LIVE_TRANSCRIBE' },
        'live transcription needs a recogniser: set HAILING_LIVE_TRANSCRIBE_MODEL to a streaming transducer folder (encoder*.onnx, decoder*.onnx, joiner*.onnx, tokens.txt; sherpa-onnx model_type zipformer2, zipformer or lstm) or HAILING_TRANSCRIBE_MODEL to an offline model folder (model.onnx of sherpa-onnx model_type sense_voice_ctc, paraformer or tdnn, tokens.txt; or a Whisper <name>-encoder.onnx, <name>-decoder.onnx, <name>-tokens.txt); calls go on untranscribed',
      );
    }
    return { repository, keywords, service: null, live: null, streams: null, start: async () => undefined, stop: async () => undefined };
  }
  const speech = new SpeechProcess({ logger, socketDir: tmpdir(), onCrash: (cause) => logger.error({ cause }, 'speech process crashed; transcription resumes when it is back') });
  const recognizer = (dir: string) => new SherpaOfflineAsr({ speech, name: basename(resolve(dir)), dir: resolve(dir) });
  const asr = modelDir === undefined ? null : recognizer(modelDir);
  const punctuation = createPunctuation({ config: o.config, speech, logger });
  const punctuate = punctuation === null ? {} : { punctuate: (text: string) => punctuation.punctuate(text) };
  const service = asr === null ? null : new TranscriptionService({ repo: repository, records: o.records, dir: o.recordingsDir, vault: o.vault, asr, logger, ...punctuate });
  const streams = asr === null ? null : new SpeechStreams({ speech, recognizer: asr });
  const liveAsr = liveDir === undefined ? null : liveDir === modelDir ? asr : recognizer(liveDir);
  const live =
    liveAsr === null
      ? null
      : new LiveTranscription({
          streams: liveAsr === asr && streams !== null ? streams : new SpeechStreams({ speech, recognizer: liveAsr }),
          store: repository,
          hits: keywordRepository,
          logger,
          now: o.now,
          partialEveryMs: o.config.liveTranscribePartialMs,
          // the lists that apply to the number dialled, and the environment's ('*': every call)
          keywordsFor: (call) => keywords.forCall(call),
          ...(o.withheld ? { withheld: o.withheld } : {}),
          ...punctuate,
        });
  const load = async (a: SherpaOfflineAsr | null, dir: string | undefined, what: string) => {
    // a model that fails its check is reported now; jobs and legs fail with the same reason until it is fixed
    if (a === null) return;
    await a.load().then(
      () => logger.info({ model: dir }, `${what} model loaded`),
      (err: unknown) => logger.error({ model: dir, err: String(err) }, `${what} model refused`),
    );
  };
  return {
    repository,
    keywords,
    service,
    live,
    streams,
    async start() {
      await speech.start();
      await load(asr, modelDir, 'transcription');
      if (liveAsr !== asr) await load(liveAsr, liveDir, 'live transcription');
      // each stored or configured phrase the model cannot spell is logged by name now
      await keywords.reportUnspellable().catch((err: unknown) => logger.error({ err: String(err) }, 'keyword lists not checked'));
      await punctuation?.load().then(
        () => logger.info({ model: o.config.punctuationModel ?? 'installed' }, 'punctuation model loaded'),
        (err: unknown) => logger.error({ err: String(err) }, 'punctuation model refused; transcripts stay unpunctuated'),
      );
      await service?.start();
    },
    async stop() {
      await service?.stop();
      await speech.close();
    },
  };
}

/** the tokens of the live model when it can spot keywords (a streaming transducer: encoder*.onnx, as releases name it); else null */
function spottingVocabulary(dir: string | undefined, logger: Logger): KeywordVocabulary | null {
  if (dir === undefined || transducerFiles(dir) === null) return null;
  try {
    return readVocabulary(join(dir, 'tokens.txt'));
  } catch (err) {
    // the model check refuses the model with the same reason when it loads
    logger.error({ model: dir, err: String(err) }, 'keyword spotting off: the model has no readable tokens.txt');
    return null;
  }
}
