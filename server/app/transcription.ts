// Transcription, when HAILING_TRANSCRIBE_MODEL names a model folder: the speech process (started
// here; it holds the recogniser, so a model that makes sherpa-onnx exit() ends only that process),
// the recogniser on it, the post-call job queue's worker (jobs are queued when a recorded call's
// recording is complete) and, with HAILING_LIVE_TRANSCRIBE, live transcription of each answered
// conversation's legs (server/transcription/live.ts), with HAILING_LIVE_TRANSCRIBE_MODEL's streaming
// transducer when set (it also spots HAILING_LIVE_KEYWORDS), else with the post-call recogniser.
import { tmpdir } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { RecordingVault } from '../recording/index.js';
import type { Logger } from '../sip/index.js';
import { SherpaOfflineAsr, SpeechProcess, SpeechStreams } from '../speech/index.js';
import { TranscriptsRepository, type CallRecordView, type Db } from '../store/index.js';
import { LiveTranscription, TranscriptionService } from '../transcription/index.js';

export interface TranscriptionSide {
  readonly repository: TranscriptsRepository;
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
  config: Pick<Config, 'transcribeModel' | 'liveTranscribe' | 'liveTranscribePartialMs' | 'liveTranscribeModel' | 'liveKeywords'>;
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
  if (modelDir === undefined && liveDir === undefined) {
    if (o.config.liveTranscribe) {
      logger.error(
        { setting: 'HAILING_LIVE_TRANSCRIBE' },
        'live transcription needs a recogniser: set HAILING_LIVE_TRANSCRIBE_MODEL to a streaming transducer folder (encoder*.onnx, decoder*.onnx, joiner*.onnx, tokens.txt; sherpa-onnx model_type zipformer2, zipformer or lstm) or HAILING_TRANSCRIBE_MODEL to an offline model folder (model.onnx of sherpa-onnx model_type sense_voice_ctc or tdnn, tokens.txt); calls go on untranscribed',
      );
    }
    return { repository, service: null, live: null, streams: null, start: async () => undefined, stop: async () => undefined };
  }
  const speech = new SpeechProcess({ logger, socketDir: tmpdir(), onCrash: (cause) => logger.error({ cause }, 'speech process crashed; transcription resumes when it is back') });
  const recognizer = (dir: string) => new SherpaOfflineAsr({ speech, name: basename(resolve(dir)), dir: resolve(dir) });
  const asr = modelDir === undefined ? null : recognizer(modelDir);
  const service = asr === null ? null : new TranscriptionService({ repo: repository, records: o.records, dir: o.recordingsDir, vault: o.vault, asr, logger });
  const streams = asr === null ? null : new SpeechStreams({ speech, recognizer: asr });
  const liveAsr = liveDir === undefined ? null : liveDir === modelDir ? asr : recognizer(liveDir);
  const keywords = o.config.liveKeywords;
  const live =
    liveAsr === null
      ? null
      : new LiveTranscription({
          streams: liveAsr === asr && streams !== null ? streams : new SpeechStreams({ speech, recognizer: liveAsr }),
          store: repository,
          logger,
          now: o.now,
          partialEveryMs: o.config.liveTranscribePartialMs,
          // the number dialled picks the call's keywords; '*' applies to every call
          keywordsFor: (call) => [...new Set([...(keywords[call.callee] ?? []), ...(keywords['*'] ?? [])])],
          ...(o.withheld ? { withheld: o.withheld } : {}),
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
    service,
    live,
    streams,
    async start() {
      await speech.start();
      await load(asr, modelDir, 'transcription');
      if (liveAsr !== asr) await load(liveAsr, liveDir, 'live transcription');
      await service?.start();
    },
    async stop() {
      await service?.stop();
      await speech.close();
    },
  };
}
