// Post-call transcription, when HAILING_TRANSCRIBE_MODEL names a model folder: the speech process
// (started here; it holds the recogniser, so a model that makes sherpa-onnx exit() ends only that
// process), the recogniser on it, and the job queue's worker. Jobs are queued when a recorded
// call's recording is complete.
import { tmpdir } from 'node:os';
import { basename, resolve } from 'node:path';
import type { Config } from '../config/index.js';
import type { RecordingVault } from '../recording/index.js';
import type { Logger } from '../sip/index.js';
import { SherpaOfflineAsr, SpeechProcess } from '../speech/index.js';
import { TranscriptsRepository, type CallRecordView, type Db } from '../store/index.js';
import { TranscriptionService } from '../transcription/index.js';

export interface TranscriptionSide {
  readonly repository: TranscriptsRepository;
  /** null when transcription is off */
  readonly service: TranscriptionService | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createTranscriptionSide(o: {
  config: Pick<Config, 'transcribeModel'>;
  db: Db;
  logger: Logger;
  vault: RecordingVault;
  recordingsDir: string;
  records: { get(id: string): Promise<CallRecordView | undefined> };
  now: () => number;
}): TranscriptionSide {
  const repository = new TranscriptsRepository({ db: o.db, now: o.now });
  const modelDir = o.config.transcribeModel;
  if (modelDir === undefined) return { repository, service: null, start: async () => undefined, stop: async () => undefined };
  const logger = o.logger;
  const speech = new SpeechProcess({ logger, socketDir: tmpdir(), onCrash: (cause) => logger.error({ cause }, 'speech process crashed; transcription resumes when it is back') });
  const asr = new SherpaOfflineAsr({ speech, name: basename(resolve(modelDir)), dir: resolve(modelDir) });
  const service = new TranscriptionService({ repo: repository, records: o.records, dir: o.recordingsDir, vault: o.vault, asr, logger });
  return {
    repository,
    service,
    async start() {
      await speech.start();
      // a model that fails its check is reported now; jobs fail with the same reason until it is fixed
      await asr.load().then(
        () => logger.info({ model: modelDir }, 'transcription model loaded'),
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
