// Transcription, when HAILING_TRANSCRIBE_MODEL names a model folder: the speech process (started
// here; it holds the recogniser, so a model that makes sherpa-onnx exit() ends only that process),
// the recogniser on it, the post-call job queue's worker (jobs are queued when a recorded call's
// recording is complete) and, with HAILING_LIVE_TRANSCRIBE, live transcription of each answered
// conversation's legs (server/transcription/live.ts).
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
  config: Pick<Config, 'transcribeModel' | 'liveTranscribe' | 'liveTranscribePartialMs'>;
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
  const logger = o.logger;
  if (modelDir === undefined) {
    if (o.config.liveTranscribe) {
      logger.error(
        { setting: 'HAILING_LIVE_TRANSCRIBE' },
        'live transcription needs a recogniser: set HAILING_TRANSCRIBE_MODEL to an offline CTC model folder (model.onnx of sherpa-onnx model_type tdnn, tokens.txt); calls go on untranscribed',
      );
    }
    return { repository, service: null, live: null, streams: null, start: async () => undefined, stop: async () => undefined };
  }
  const speech = new SpeechProcess({ logger, socketDir: tmpdir(), onCrash: (cause) => logger.error({ cause }, 'speech process crashed; transcription resumes when it is back') });
  const asr = new SherpaOfflineAsr({ speech, name: basename(resolve(modelDir)), dir: resolve(modelDir) });
  const service = new TranscriptionService({ repo: repository, records: o.records, dir: o.recordingsDir, vault: o.vault, asr, logger });
  const streams = new SpeechStreams({ speech, recognizer: asr });
  const live = o.config.liveTranscribe ? new LiveTranscription({ streams, store: repository, logger, now: o.now, partialEveryMs: o.config.liveTranscribePartialMs, ...(o.withheld ? { withheld: o.withheld } : {}) }) : null;
  return {
    repository,
    service,
    live,
    streams,
    async start() {
      await speech.start();
      // a model that fails its check is reported now; jobs fail with the same reason until it is fixed
      await asr.load().then(
        () => logger.info({ model: modelDir, live: live !== null }, 'transcription model loaded'),
        (err: unknown) => logger.error({ model: modelDir, err: String(err) }, 'transcription model refused'),
      );
      await service.start();
    },
    async stop() {
      await service.stop();
      await speech.close();
    },
  };
}
