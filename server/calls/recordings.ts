// Call recording: where Call.record() puts its files, and HAILING_RECORD_CALLS=all, by which every
// answered conversation (two-party, bridged from a local answer, picked up) is recorded in stereo,
// the caller on the left and the callee on the right (or both in one channel: HAILING_RECORDING_CHANNELS), into <dir>/YYYY/MM/DD/<call id>.<wav|ogg>.
// The media worker writes the file. Records name it relative to <dir> (so a data folder moved
// elsewhere keeps its recordings reachable): as soon as it starts, so that a call cut off by a
// crash still points at its file, and with duration and pauses when the call ends. Pause/resume is
// for card payments (PCI DSS): silence is written and the pause is reported, so the file stays
// aligned with the call's timeline.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EndpointHandle, MediaEngine, SealOptions } from '../../media/index.js';
import type { Logger } from '../sip/index.js';
import type { Call } from './call.js';
import type { CallRecorder, CallRecording, StartedRecording } from './call-recording.js';
import type { CallRecord } from './types.js';

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

export class CallRecordings implements CallRecorder {
  readonly #o: CallRecordingsOptions;
  /** the recordings of HAILING_RECORD_CALLS=all, by call, for pause() */
  readonly #active = new Map<string, CallRecording>();
  /** those of #active paused now (card payments): DTMF keyed meanwhile is withheld from events */
  readonly #paused = new Set<string>();

  constructor(options: CallRecordingsOptions) {
    this.#o = options;
  }

  /** CallRecorder: a file for the call under <dir>/YYYY/MM/DD/ (Call.record() asks) */
  async start(o: Parameters<CallRecorder['start']>[0]): Promise<StartedRecording | null> {
    const day = new Date(o.now);
    // '/' whatever the platform: the path is data in the records, resolved against the folder on download
    const folder = `${day.getUTCFullYear()}/${two(day.getUTCMonth() + 1)}/${two(day.getUTCDate())}`;
    try {
      await mkdir(join(this.#o.dir, folder), { recursive: true });
    } catch (err) {
      this.#o.logger.error({ call: o.callId, err: String(err) }, 'recording folder cannot be made; call not recorded');
      return null;
    }
    // the call may have ended while the folder was made
    if (!o.live()) return null;
    const format = o.format ?? this.#o.format;
    const path = `${folder}/${o.callId}.${format}`;
    const seal = this.#o.seal?.();
    const handle = this.#o.engine.startRecording({ path: join(this.#o.dir, path), format, left: o.left, ...(o.right ? { right: o.right } : {}), channels: this.#o.channels ?? 'stereo', ...(seal ? { seal } : {}) });
    return { handle, path, format };
  }

  /** HAILING_RECORD_CALLS=all: an answered conversation (two-party, bridged or picked up) is recorded until it ends */
  async recordAll(call: Call): Promise<void> {
    if (call.parties === undefined) return;
    const active = this.#active.get(call.id);
    // bridged anew (a transfer): the new party is recorded where the one that left was
    if (active !== undefined) return this.#attach(call, active, call.parties.callee);
    const recording = await call.record();
    if (recording === null) return;
    this.#active.set(call.id, recording);
    this.#o.started(call.snapshot());
    // the recording stops with the call, and the call's final record (with media figures) completes it
    call.on('close', (record) => {
      this.#active.delete(call.id);
      this.#paused.delete(call.id);
      void recording.ended.then((result) => {
        if (result === null) return this.#o.logger.error({ call: record.id }, 'recording did not finish');
        this.#o.done({ ...record, recordingPath: recording.path, recordingFormat: result.format, recordingDurationMs: result.durationMs, recordingPauses: result.pauses });
      });
    });
  }

  #attach(call: Call, recording: CallRecording, callee: EndpointHandle): void {
    try {
      recording.attach(callee);
    } catch (err) {
      // the new party's endpoint is in another media worker: the recording goes on with the caller
      this.#o.logger.warn({ call: call.id, err: String(err) }, 'the transfer target is not recorded');
    }
  }

  /** false when the call is not being recorded */
  pause(callId: string, paused: boolean): boolean {
    const recording = this.#active.get(callId);
    if (recording === undefined) return false;
    if (paused) {
      recording.pause();
      this.#paused.add(callId);
    } else {
      recording.resume();
      this.#paused.delete(callId);
    }
    return true;
  }

  /** stops the call's recording before the call ends (the API); false when it is not being recorded */
  stop(callId: string): boolean {
    const recording = this.#active.get(callId);
    if (recording === undefined) return false;
    void recording.stop();
    return true;
  }

  /** the call's recording is paused now (card payments) */
  paused(callId: string): boolean {
    return this.#paused.has(callId);
  }

  recording(callId: string): boolean {
    return this.#active.has(callId);
  }
}
