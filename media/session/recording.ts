// A call recording inside a worker: each tick the two parties' decoded frames (what the caller
// said on the left, what the agent/callee said on the right, or both summed when mixed) go to the recorder, which encodes
// and writes in the background. On a relayed call the endpoints keep relaying untouched; the
// recording only adds a decoder that reads a copy of each payload (the "tap").
import { Recorder, type SealOptions } from '../recorder/index.js';
import type { MediaPort } from './port.js';
import type { TickTarget } from './ticker.js';
import type { RecordingResult } from '../types.js';

export class RecordingSession implements TickTarget {
  readonly id: string;
  readonly group: string;
  readonly #left: MediaPort;
  /** null: a one-party recording, or the other party has left (letGo) */
  #right: MediaPort | null;
  /** two channels in the file (fixed when it is opened, whoever leaves later) */
  readonly #stereo: boolean;
  readonly #rate: number;
  /** both parties summed into one channel; null for stereo (or a single party) */
  readonly #mix: Int16Array | null;
  #recorder: Recorder | null = null;
  #opening: Promise<void>;
  #failed: unknown = null;
  #stopped = false;
  /** pause() before the file was open is applied once it is */
  #paused = false;

  constructor(options: { readonly id: string; readonly group: string; readonly path: string; readonly format: 'wav' | 'ogg'; readonly left: MediaPort; readonly right: MediaPort | null; readonly mixed?: boolean; readonly seal?: SealOptions | null }) {
    this.id = options.id;
    this.group = options.group;
    this.#left = options.left;
    this.#right = options.right;
    this.#rate = options.left.rate;
    this.#mix = options.mixed === true && options.right !== null ? new Int16Array(this.#rate / 50) : null;
    this.#stereo = options.right !== null && this.#mix === null;
    if (options.right !== null && !options.right.mixed) options.right.useRate(this.#rate);
    options.left.addReader();
    options.right?.addReader();
    this.#opening = Recorder.open({ path: options.path, format: options.format, sampleRate: this.#rate, channels: options.right === null || this.#mix !== null ? 1 : 2, ...(options.seal ? { seal: options.seal } : {}) }).then(
      (recorder) => {
        if (this.#stopped) void recorder.close();
        else {
          this.#recorder = recorder;
          if (this.#paused) recorder.pause();
        }
      },
      (err: unknown) => {
        this.#failed = err;
      },
    );
  }

  uses(port: MediaPort): boolean {
    return port === this.#left || port === this.#right;
  }

  /**
   * `port` closed. The other party's (a transfer lets the callee go, the caller stays): the
   * recording goes on with the caller, that party's channel (or share of the mix) silent from now
   * on, so what the caller says next (to a flow, to the transfer's target) is still recorded; true.
   * The caller's: false, the recording ends.
   */
  letGo(port: MediaPort): boolean {
    if (port !== this.#right || port === this.#left) return false;
    port.removeReader();
    this.#right = null;
    return true;
  }

  /** a transfer's new party takes the channel of the one that left (letGo); false otherwise */
  attach(port: MediaPort): boolean {
    if (this.#right !== null || port === this.#left || (!this.#stereo && this.#mix === null)) return false;
    if (!port.mixed) port.useRate(this.#rate);
    port.addReader();
    this.#right = port;
    return true;
  }

  #silence: Int16Array | undefined;
  /** frames written as silence because the worker was too late to decode them */
  framesFilled = 0;

  tick(nowMs: number): void {
    const recorder = this.#recorder;
    if (recorder === null) return;
    const n = this.#rate / 50;
    this.#left.pull(nowMs);
    this.#right?.pull(nowMs);
    // the recorder reads `n` samples from each frame: no views needed
    const mix = this.#mix;
    if (mix !== null) {
      const a = this.#left.frame;
      const b = this.#right?.frame;
      // a plain sum, clipped: each party keeps its own level, as a listener on the line hears them
      for (let i = 0; i < n; i++) {
        const s = a[i]! + (b?.[i] ?? 0);
        mix[i] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
      }
      recorder.write(mix, null, n);
      return;
    }
    recorder.write(this.#left.frame, this.#right === null ? null : this.#right.frame, n);
  }

  /** the worker stalled past the ticker's catch-up: silence keeps the file as long as the call */
  skipped(frames: number): void {
    const recorder = this.#recorder;
    if (recorder === null) return;
    const n = this.#rate / 50;
    this.#silence ??= new Int16Array(n);
    for (let i = 0; i < frames; i++) recorder.write(this.#silence, this.#stereo ? this.#silence : null, n);
    this.framesFilled += frames;
  }

  pause(): void {
    this.#paused = true;
    this.#recorder?.pause();
  }

  resume(): void {
    this.#paused = false;
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
