// Streaming recognition of a PCM socket stream with a sherpa-onnx OnlineRecognizer (a streaming
// transducer), and keyword spotting on the same audio with its KeywordSpotter. Unlike the offline
// path (stream-asr.ts: VAD utterances decoded again and again), every chunk goes into one recogniser
// stream that keeps its encoder state; a partial is the text of the current segment whenever it
// changes, a final is sherpa-onnx's endpoint (its trailing-silence rules), then the segment is reset.
// VAD still runs on the stream for its own events; it does not gate recognition.
import type { SherpaKeywordSpotter, SherpaOnlineRecognizer, SherpaOnlineStream } from '../sherpa.js';
import type { SpeechEvent } from './protocol.js';
import { dithered } from './dither.js';
import type { StreamRecognition } from './pcm-socket.js';

/** feature frames the encoder waits for (T: chunk + look-ahead) must be filled at the stream's end */
const TAIL_MS = 1000;

export interface OnlineStreamAsrOptions {
  readonly stream: number;
  readonly rate: number;
  readonly recognizer: SherpaOnlineRecognizer;
  readonly partials: boolean;
  /** keyword spotting on this stream: the spotter and the call's keywords, by the name sherpa-onnx reports */
  readonly spotter: { readonly spotter: SherpaKeywordSpotter; readonly stream: SherpaOnlineStream; readonly keywords: ReadonlyMap<string, string> } | null;
  readonly emit: (e: SpeechEvent) => void;
}

export class OnlineStreamAsr implements StreamRecognition {
  readonly #o: OnlineStreamAsrOptions;
  readonly #asr: SherpaOnlineStream;
  /** samples fed so far: the stream's clock */
  #samples = 0;
  #lastText = '';
  #done = false;

  constructor(options: OnlineStreamAsrOptions) {
    this.#o = options;
    this.#asr = options.recognizer.createStream();
  }

  /** one chunk of the stream (the VAD event is not used: sherpa-onnx's endpointing decides) */
  push(chunk: Int16Array): void {
    if (this.#done) return;
    const wave = { samples: dithered(chunk), sampleRate: this.#o.rate };
    this.#samples += chunk.length;
    this.#asr.acceptWaveform(wave);
    this.#decode();
    const kws = this.#o.spotter;
    if (kws !== null) {
      kws.stream.acceptWaveform(wave);
      while (kws.spotter.isReady(kws.stream)) {
        kws.spotter.decode(kws.stream);
        const hit = kws.spotter.getResult(kws.stream);
        if (hit.keyword === '') continue;
        // the spotter's own placeholder keyword (it needs one) is not this call's
        const keyword = kws.keywords.get(hit.keyword);
        const atMs = Math.round((hit.start_time + (hit.timestamps[0] ?? 0)) * 1000);
        if (keyword !== undefined) this.#o.emit({ event: 'kws-hit', stream: this.#o.stream, keyword, atMs });
        // sherpa-onnx keeps reporting a keyword until the stream is reset
        kws.spotter.reset(kws.stream);
      }
    }
  }

  /** a VAD segment's end: not used, finals come from sherpa-onnx's endpointing */
  final(): void {}

  /** the stream ended: silence fills the encoder's last chunk, then whatever is open is final */
  end(): void {
    if (this.#done) return;
    this.#asr.acceptWaveform({ samples: dithered(new Int16Array((this.#o.rate * TAIL_MS) / 1000)), sampleRate: this.#o.rate });
    this.#asr.inputFinished();
    this.#decode();
    this.#final();
    this.#done = true;
  }

  get #nowMs(): number {
    return Math.round((this.#samples * 1000) / this.#o.rate);
  }

  #decode(): void {
    const asr = this.#o.recognizer;
    while (asr.isReady(this.#asr)) asr.decode(this.#asr);
    if (asr.isEndpoint(this.#asr)) {
      this.#final();
      return;
    }
    const r = asr.getResult(this.#asr);
    const text = r.text.trim();
    if (!this.#o.partials || text === '' || text === this.#lastText) return;
    this.#lastText = text;
    const startMs = Math.round((r.start_time + (r.timestamps[0] ?? 0)) * 1000);
    this.#o.emit({ event: 'asr-partial', stream: this.#o.stream, startMs, endMs: this.#nowMs, text });
  }

  /** the segment so far as a final (token times: its first token to its last), then a new segment */
  #final(): void {
    const asr = this.#o.recognizer;
    const r = asr.getResult(this.#asr);
    const text = r.text.trim();
    if (text !== '') {
      const at = (s: number | undefined): number => Math.round((r.start_time + (s ?? 0)) * 1000);
      this.#o.emit({ event: 'asr-final', stream: this.#o.stream, startMs: at(r.timestamps[0]), endMs: at(r.timestamps.at(-1)), text });
    }
    this.#lastText = '';
    asr.reset(this.#asr);
  }
}
