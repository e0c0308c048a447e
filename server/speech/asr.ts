// Recognition interfaces. OfflineRecognizer is implemented by SherpaOfflineAsr (offline-asr.ts) with
// the fixture CTC digit recogniser (test/fixtures/speech/digits-tdnn). Streaming ASR (sherpa-onnx
// OnlineRecognizer) and keyword spotting (KeywordSpotter) run in the speech process on PCM socket
// streams (worker/online-stream-asr.ts, opened through SpeechStreams with a streaming model such as
// test/fixtures/speech/digits-transducer); StreamingRecognizer and KeywordSpotter below are the
// per-leg shapes, not yet implemented as such (docs/speech.md).

export interface RecognitionResult {
  readonly text: string;
  /** ms from the start of the stream */
  readonly startMs: number;
  readonly endMs: number;
  /** 0..1 where the model gives one */
  readonly confidence: number | null;
}

/** one per call leg: partials while speech goes on, a final at each endpoint (sherpa's endpointing) */
export interface StreamingRecognizer {
  accept(pcm: Int16Array): void;
  onPartial(listener: (r: RecognitionResult) => void): void;
  onFinal(listener: (r: RecognitionResult) => void): void;
  close(): Promise<void>;
}

/** whole utterances or recordings (post-call transcription) */
export interface OfflineRecognizer {
  transcribe(options: { pcm: Int16Array; rate: 8000 | 16000 }): Promise<RecognitionResult[]>;
}

/** keywords per call; a hit is an event on the WebSocket stream */
export interface KeywordSpotter {
  setKeywords(keywords: readonly string[]): void;
  accept(pcm: Int16Array): void;
  onHit(listener: (hit: { keyword: string; atMs: number }) => void): void;
  close(): Promise<void>;
}
