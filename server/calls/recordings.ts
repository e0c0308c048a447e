// Call recording (HAILING_RECORD_CALLS=all): every answered two-party call is recorded in stereo,
// the caller on the left and the callee on the right, into <dir>/YYYY/MM/DD/<call id>.<wav|ogg>.
// The media worker writes the file; when the call ends the result (path, duration, pauses) goes
// to the record. Pause/resume is for card payments (PCI DSS): silence is written and the pause is
// reported, so the file stays aligned with the call's timeline.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaEngine, RecordingHandle, RecordingResult } from '../../media/index.js';
import type { Logger } from '../sip/index.js';
import { CallMedia } from './call-media.js';
import type { Call } from './call.js';
import type { CallRecord } from './types.js';

export interface CallRecordingsOptions {
  readonly engine: Pick<MediaEngine, 'startRecording'>;
  readonly dir: string;
  readonly format: 'wav' | 'ogg';
  readonly logger: Logger;
  readonly done: (record: CallRecord, result: RecordingResult) => void;
}

const two = (n: number): string => String(n).padStart(2, '0');

export class CallRecordings {
  readonly #o: CallRecordingsOptions;
  readonly #active = new Map<string, RecordingHandle>();

  constructor(options: CallRecordingsOptions) {
    this.#o = options;
  }

  async start(call: Call, now: number): Promise<void> {
    const media = call.media;
    if (!(media instanceof CallMedia)) return;
    const day = new Date(now);
    const dir = join(this.#o.dir, String(day.getUTCFullYear()), two(day.getUTCMonth() + 1), two(day.getUTCDate()));
    try {
      await mkdir(dir, { recursive: true });
    } catch (err) {
      this.#o.logger.error({ call: call.id, err: String(err) }, 'recording folder cannot be made; call not recorded');
      return;
    }
    const path = join(dir, `${call.id}.${this.#o.format}`);
    this.#active.set(call.id, this.#o.engine.startRecording({ path, format: this.#o.format, left: media.endpoint('caller'), right: media.endpoint('callee') }));
  }

  /** false when the call is not being recorded */
  pause(callId: string, paused: boolean): boolean {
    const handle = this.#active.get(callId);
    if (handle === undefined) return false;
    if (paused) handle.pause();
    else handle.resume();
    return true;
  }

  recording(callId: string): boolean {
    return this.#active.has(callId);
  }

  ended(record: CallRecord): void {
    const handle = this.#active.get(record.id);
    if (handle === undefined) return;
    this.#active.delete(record.id);
    handle.stop().then(
      (result) => this.#o.done(record, result),
      (err: unknown) => this.#o.logger.error({ call: record.id, err: String(err) }, 'recording did not finish'),
    );
  }
}
