// Call recording (HAILING_RECORD_CALLS=all): every answered two-party call is recorded in stereo,
// the caller on the left and the callee on the right (or both in one channel: HAILING_RECORDING_CHANNELS), into <dir>/YYYY/MM/DD/<call id>.<wav|ogg>.
// The media worker writes the file. Records name it relative to <dir> (so a data folder moved
// elsewhere keeps its recordings reachable): as soon as it starts, so that a call cut off by a
// crash still points at its file, and with duration and pauses when the call ends. Pause/resume is
// for card payments (PCI DSS): silence is written and the pause is reported, so the file stays
// aligned with the call's timeline.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaEngine, RecordingHandle, SealOptions } from '../../media/index.js';
import type { Logger } from '../sip/index.js';
import { CallState, type Call } from './call.js';
import type { CallRecord, RecordingFormat } from './types.js';

export interface CallRecordingsOptions {
  readonly engine: Pick<MediaEngine, 'startRecording'>;
  readonly dir: string;
  readonly format: 'wav' | 'ogg';
  /** default 'stereo' */
  readonly channels?: 'stereo' | 'mixed';
  /** encryption at rest: a fresh file key and its wrapping for each recording (server/recording); absent or undefined: plain files */
  readonly seal?: () => SealOptions | undefined;
  readonly logger: Logger;
  /** the call's record once its recording started, naming the file (the record of a call in progress) */
  readonly started: (record: CallRecord) => void;
  /** the call's final record completed with the recording's path, format, duration and pauses */
  readonly done: (record: CallRecord) => void;
}

const two = (n: number): string => String(n).padStart(2, '0');

export class CallRecordings {
  readonly #o: CallRecordingsOptions;
  readonly #paused = new Set<string>();
  readonly #active = new Map<string, { readonly handle: RecordingHandle; readonly path: string; readonly format: RecordingFormat }>();

  constructor(options: CallRecordingsOptions) {
    this.#o = options;
  }

  async start(call: Call, now: number): Promise<void> {
    const media = call.bridge;
    if (media === undefined) return;
    const day = new Date(now);
    // '/' whatever the platform: the path is data in the records, resolved against the folder on download
    const folder = `${day.getUTCFullYear()}/${two(day.getUTCMonth() + 1)}/${two(day.getUTCDate())}`;
    try {
      await mkdir(join(this.#o.dir, folder), { recursive: true });
    } catch (err) {
      this.#o.logger.error({ call: call.id, err: String(err) }, 'recording folder cannot be made; call not recorded');
      return;
    }
    // the call may have ended while the folder was made: ended() has been and gone
    if (call.state !== CallState.Answered) return;
    const format = this.#o.format;
    const path = `${folder}/${call.id}.${format}`;
    const seal = this.#o.seal?.();
    const handle = this.#o.engine.startRecording({ path: join(this.#o.dir, path), format, left: media.endpoint('caller'), right: media.endpoint('callee'), channels: this.#o.channels ?? 'stereo', ...(seal ? { seal } : {}) });
    this.#active.set(call.id, { handle, path, format });
    call.recordingStarted({ path, format });
    // the recording ends with the call, and its final record (with media figures) completes it
    call.adopt({ close: (_reason, record) => this.#ended(record) });
    this.#o.started(call.record());
  }

  /** false when the call is not being recorded */
  pause(callId: string, paused: boolean): boolean {
    const handle = this.#active.get(callId)?.handle;
    if (handle === undefined) return false;
    if (paused) {
      handle.pause();
      this.#paused.add(callId);
    } else {
      handle.resume();
      this.#paused.delete(callId);
    }
    return true;
  }

  /** the call's recording is paused now (card payments) */
  paused(callId: string): boolean {
    return this.#paused.has(callId);
  }

  recording(callId: string): boolean {
    return this.#active.has(callId);
  }

  #ended(record: CallRecord): void {
    const active = this.#active.get(record.id);
    if (active === undefined) return;
    this.#active.delete(record.id);
    this.#paused.delete(record.id);
    active.handle.stop().then(
      (result) =>
        this.#o.done({
          ...record,
          recordingPath: active.path,
          recordingFormat: result.format,
          recordingDurationMs: result.durationMs,
          recordingPauses: result.pauses,
        }),
      (err: unknown) => this.#o.logger.error({ call: record.id, err: String(err) }, 'recording did not finish'),
    );
  }
}
