// A call recording inside a worker: each tick the two parties' decoded frames (what the caller
// said on the left, what the agent/callee said on the right) go to the recorder, which encodes
// and writes in the background. On a relayed call the endpoints keep relaying untouched; the
// recording only adds a decoder that reads a copy of each payload (the "tap").
import { Recorder } from '../recorder/index.js';
import type { MediaPort } from './port.js';
import type { TickTarget } from './ticker.js';
import type { RecordingResult } from '../types.js';

export class RecordingSession implements TickTarget {
  readonly id: string;
  readonly group: string;
  readonly #left: MediaPort;
  readonly #right: MediaPort | null;
  readonly #rate: number;
  #recorder: Recorder | null = null;
  #opening: Promise<void>;
  #failed: unknown = null;
  #stopped = false;

  constructor(options: { readonly id: string; readonly group: string; readonly path: string; readonly format: 'wav' | 'ogg'; readonly left: MediaPort; readonly right: MediaPort | null }) {
    this.id = options.id;
    this.group = options.group;
    this.#left = options.left;
    this.#right = options.right;
    this.#rate = options.left.rate;
    if (options.right !== null && !options.right.mixed) options.right.useRate(this.#rate);
    options.left.addReader();
    options.right?.addReader();
    this.#opening = Recorder.open({ path: options.path, format: options.format, sampleRate: this.#rate, channels: options.right === null ? 1 : 2 }).then(
      (recorder) => {
        if (this.#stopped) void recorder.close();
        else this.#recorder = recorder;
      },
      (err: unknown) => {
        this.#failed = err;
      },
    );
  }

  uses(port: MediaPort): boolean {
    return port === this.#left || port === this.#right;
  }

  tick(nowMs: number): void {
    const recorder = this.#recorder;
    if (recorder === null) return;
    const n = this.#rate / 50;
    this.#left.pull(nowMs);
    this.#right?.pull(nowMs);
    recorder.write(this.#left.frame.subarray(0, n), this.#right === null ? null : this.#right.frame.subarray(0, n), n);
  }

  pause(): void {
    this.#recorder?.pause();
  }

  resume(): void {
    this.#recorder?.resume();
  }

  /** finishes the file; the ports stop decoding for it */
  async stop(): Promise<RecordingResult> {
    this.#stopped = true;
    this.#left.removeReader();
    this.#right?.removeReader();
    await this.#opening;
    if (this.#failed !== null) throw this.#failed instanceof Error ? this.#failed : new Error(String(this.#failed));
    const recorder = this.#recorder;
    this.#recorder = null;
    if (recorder === null) throw new Error('recording was not open');
    return recorder.close();
  }
}
