// The offline recognition interface, implemented by SherpaOfflineAsr (offline-asr.ts) with the
// fixture CTC digit recogniser (test/fixtures/speech/digits-tdnn) or an installed model. A call
// leg's streaming recognition and keyword spotting have their own shape: SpeechStreams.open()
// (streams.ts) gives a stream id that a media worker's speech tap feeds over the PCM socket, and its
// partials, finals and keyword hits come back as StreamEvents (docs/speech.md).

export interface RecognitionResult {
  readonly text: string;
  /** ms from the start of the stream */
  readonly startMs: number;
  readonly endMs: number;
  /** 0..1 where the model gives one */
  readonly confidence: number | null;
}

/** whole utterances or recordings (post-call transcription) */
export interface OfflineRecognizer {
  transcribe(options: { pcm: Int16Array; rate: 8000 | 16000 }): Promise<RecognitionResult[]>;
}
