// A recording a Call makes of itself (Call.record()): started and stopped by the call or the
// handler running on it, never by an observer (CONVENTIONS.md §4). It stops on stop(), after
// maxS, or when the call closes, whichever comes first; the file's place is the recorder's
// (recordings.ts: <dir>/YYYY/MM/DD/<call id>.<format>).
import type { EndpointHandle, RecordingHandle, RecordingResult } from '../../media/index.js';
import type { Clock, TimerHandle } from '../sip/index.js';
import type { RecordingFormat } from './types.js';

export interface RecordOptions {
  /** the recorder's configured format when absent */
  readonly format?: RecordingFormat;
  /** stops by itself after this many seconds */
  readonly maxS?: number;
}

export interface StartedRecording {
  readonly handle: RecordingHandle;
  /** relative to the recordings folder, as records name it */
  readonly path: string;
  readonly format: RecordingFormat;
}

/** Where recordings go and how they start (recordings.ts); absent when recording is off. */
export interface CallRecorder {
  /** left = the caller's endpoint, right = the other party's (mono without one); null when it cannot start */
  start(o: {
    readonly callId: string;
    readonly now: number;
    readonly format?: RecordingFormat;
    readonly left: EndpointHandle;
    readonly right?: EndpointHandle;
    /** false once the call ended (checked after the folder is made) */
    readonly live: () => boolean;
  }): Promise<StartedRecording | null>;
}

export class CallRecording {
  readonly path: string;
  readonly format: RecordingFormat;
  /** settles once the file is finished: its figures, or null when the engine lost it */
  readonly ended: Promise<RecordingResult | null>;
  readonly #handle: RecordingHandle;
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #stopping: Promise<RecordingResult | null> | undefined;
  #settle!: (result: RecordingResult | null) => void;

  constructor(o: { readonly started: StartedRecording; readonly clock: Clock; readonly maxS?: number | undefined }) {
    this.path = o.started.path;
    this.format = o.started.format;
    this.#handle = o.started.handle;
    this.#clock = o.clock;
    this.ended = new Promise((resolve) => (this.#settle = resolve));
    if (o.maxS !== undefined && o.maxS > 0) this.#timer = o.clock.setTimeout(() => void this.stop(), o.maxS * 1000);
  }

  get stopped(): boolean {
    return this.#stopping !== undefined;
  }

  /** card payments (PCI DSS): silence is written while paused and the pause is reported */
  pause(): void {
    if (!this.stopped) this.#handle.pause();
  }

  resume(): void {
    if (!this.stopped) this.#handle.resume();
  }

  /** a transfer's new party is recorded in the channel of the one that left */
  attach(right: EndpointHandle): void {
    if (!this.stopped) this.#handle.attach(right);
  }

  /** idempotent */
  stop(): Promise<RecordingResult | null> {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#stopping ??= this.#handle.stop().then(
      (result) => result,
      () => null,
    );
    void this.#stopping.then((result) => this.#settle(result));
    return this.#stopping;
  }
}

/** Call.record(): starts the recorder's file for the call; null when there is nothing to record or no recorder */
export async function startRecording(o: {
  readonly recorder: CallRecorder | undefined;
  readonly clock: Clock;
  readonly callId: string;
  readonly left: EndpointHandle | undefined;
  readonly right: EndpointHandle | undefined;
  readonly options: RecordOptions;
  readonly live: () => boolean;
}): Promise<CallRecording | null> {
  if (o.recorder === undefined || o.left === undefined) return null;
  const format = o.options.format;
  const started = await o.recorder.start({ callId: o.callId, now: o.clock.now(), left: o.left, live: o.live, ...(o.right ? { right: o.right } : {}), ...(format ? { format } : {}) });
  return started === null ? null : new CallRecording({ started, clock: o.clock, maxS: o.options.maxS });
}
