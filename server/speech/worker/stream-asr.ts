// Recognition of a PCM socket stream's utterances inside the speech process (live transcription,
// IVR speech input). The inlet (pcm-socket.ts) feeds every VAD chunk and the segmenter's events
// here. While an utterance goes on, the growing utterance is decoded again every `partialEveryMs`
// (the offline recogniser has no streaming state: a re-decode is how it gives partials); at the
// utterance's end it is decoded once more, with a margin either side, for the final text.
import type { SegmenterEvent } from '../vad/segmenter.js';
import type { SpeechEvent } from './protocol.js';
import type { StreamRecognition } from './pcm-socket.js';

/** speech kept either side of a VAD segment (Silero's edges fall inside the first and last phones), as offline-asr.ts */
const MARGIN_MS = 150;
/** an utterance longer than this is closed as it stands (a stuck VAD must not grow a buffer for ever) */
const MAX_UTTERANCE_MS = 30_000;

export interface StreamAsrConfig {
  readonly recognizer: string;
  /** 0: finals only */
  readonly partialEveryMs: number;
  /** keywords to spot (streaming transducers only); validated against the model's tokens */
  readonly keywords: readonly string[];
}

export type Recognize = (o: { recognizer: string; rate: number; pcm: Int16Array }) => string;

export class StreamAsr implements StreamRecognition {
  readonly #stream: number;
  readonly #config: StreamAsrConfig;
  readonly #rate: number;
  readonly #chunkMs: number;
  readonly #recognize: Recognize;
  readonly #emit: (e: SpeechEvent) => void;
  /** chunks kept: the margin before speech while silent, the whole utterance while speaking */
  #chunks: Int16Array[] = [];
  /** stream chunk index of #chunks[0] */
  #first = 0;
  /** chunks seen so far */
  #count = 0;
  #speechStartMs = -1;
  #lastPartialMs = 0;
  #lastPartialText = '';

  constructor(o: { stream: number; config: StreamAsrConfig; rate: number; chunkMs: number; recognize: Recognize; emit: (e: SpeechEvent) => void }) {
    this.#stream = o.stream;
    this.#config = o.config;
    this.#rate = o.rate;
    this.#chunkMs = o.chunkMs;
    this.#recognize = o.recognize;
    this.#emit = o.emit;
  }

  /** one VAD chunk and what the segmenter made of it (the event is about this chunk or earlier ones) */
  push(chunk: Int16Array, ev: SegmenterEvent | null): void {
    this.#chunks.push(chunk);
    this.#count++;
    if (ev?.type === 'start') {
      this.#speechStartMs = ev.atMs;
      this.#lastPartialMs = this.#nowMs;
      this.#lastPartialText = '';
    } else if (ev?.type === 'end') {
      this.final(ev.segment.startMs, ev.segment.endMs);
    }
    if (this.#speechStartMs >= 0) {
      const now = this.#nowMs;
      if (now - this.#speechStartMs >= MAX_UTTERANCE_MS) this.final(this.#speechStartMs, now);
      else if (this.#config.partialEveryMs > 0 && now - this.#lastPartialMs >= this.#config.partialEveryMs) this.#partial(now);
    }
    if (this.#speechStartMs < 0) this.#trim();
  }

  /** the stream ended (or the segmenter closed an utterance without its end chunk): the final of what is open */
  final(startMs: number, endMs: number): void {
    const text = this.#decode(startMs - MARGIN_MS, endMs + MARGIN_MS);
    this.#emit({ event: 'asr-final', stream: this.#stream, startMs, endMs, text });
    this.#speechStartMs = -1;
    this.#trim();
  }

  /** the stream ended: the VAD's flush gave the last final already */
  end(): void {}

  /** a segmenter flush ended nothing (a click under the minimum): forget the open utterance */
  reset(): void {
    this.#speechStartMs = -1;
  }

  get #nowMs(): number {
    return this.#count * this.#chunkMs;
  }

  #partial(now: number): void {
    this.#lastPartialMs = now;
    const text = this.#decode(this.#speechStartMs - MARGIN_MS, now);
    if (text === '' || text === this.#lastPartialText) return;
    this.#lastPartialText = text;
    this.#emit({ event: 'asr-partial', stream: this.#stream, startMs: this.#speechStartMs, endMs: now, text });
  }

  #decode(fromMs: number, toMs: number): string {
    const from = Math.max(this.#first, Math.floor(fromMs / this.#chunkMs));
    const to = Math.min(this.#count, Math.ceil(toMs / this.#chunkMs));
    if (to <= from) return '';
    const parts = this.#chunks.slice(from - this.#first, to - this.#first);
    const pcm = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      pcm.set(p, o);
      o += p.length;
    }
    return this.#recognize({ recognizer: this.#config.recognizer, rate: this.#rate, pcm }).trim();
  }

  /** silent: keep only the margin that the next utterance's decode reaches back into, plus the start chunk's lag */
  #trim(): void {
    const keep = Math.ceil(MARGIN_MS / this.#chunkMs) + 2;
    const excess = this.#chunks.length - keep;
    if (excess > 0) {
      this.#chunks = this.#chunks.slice(excess);
      this.#first += excess;
    }
  }
}
