// One item playing to one phone: a prompt file, music on hold (looped), a call-progress tone or
// in-band DTMF digits.
// Files load asynchronously (off the tick); until loaded the phone hears silence. A new play
// replaces the current one, which ends as 'stopped', as Asterisk's Playback does when interrupted.
import { loadPrompt, LoopSource, PcmSource, type FrameSource } from '../player/index.js';
import { createTone, DtmfToneSource } from '../dsp/index.js';
import type { PlayItem } from '../types.js';

export type PlayEnd = 'finished' | 'stopped' | 'failed';

export class Playback {
  readonly id: string;
  readonly #onEnd: (reason: PlayEnd) => void;
  #source: FrameSource | null = null;
  #ended = false;

  constructor(options: { readonly id: string; readonly item: PlayItem; readonly rate: number; readonly onEnd: (reason: PlayEnd) => void }) {
    this.id = options.id;
    this.#onEnd = options.onEnd;
    const { item, rate } = options;
    if (item.tone !== undefined) {
      this.#source = createTone({ kind: item.tone, country: item.country ?? 'cn', sampleRate: rate });
    } else if (item.dtmf !== undefined) {
      const durationMs = item.dtmf.durationMs ?? 100;
      this.#source = new DtmfToneSource({ digits: item.dtmf.digits, sampleRate: rate, durationMs, gapMs: Math.max(50, durationMs) });
    } else if (item.file !== undefined) {
      const loop = item.loop === true;
      loadPrompt({ path: item.file, sampleRate: rate }).then(
        (loaded) => {
          if (!loaded.ok) return this.#end('failed');
          if (this.#ended) return;
          const clip = new PcmSource({ sampleRate: rate, samples: loaded.prompt.samples });
          this.#source = loop ? new LoopSource({ source: clip, maxFrame: rate / 50 }) : clip;
        },
        () => this.#end('failed'),
      );
    } else queueMicrotask(() => this.#end('failed'));
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** fills one frame; false while the file is loading (silence) or after the end */
  read(out: Int16Array): boolean {
    if (this.#ended) return false;
    const source = this.#source;
    if (source === null) {
      out.fill(0);
      return true;
    }
    const n = source.read(out, out.length);
    if (n < out.length) {
      out.fill(0, n);
      this.#end('finished');
    }
    return true;
  }

  stop(): void {
    this.#end('stopped');
  }

  #end(reason: PlayEnd): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#source = null;
    this.#onEnd(reason);
  }
}
