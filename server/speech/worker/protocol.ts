// Messages between the main thread's SpeechProcess and the speech child process (IPC with the
// 'advanced' serialization, so typed arrays cross as bytes). Rare control and results only: PCM
// streams come in on the child's Unix socket (pcm-socket.ts), never through this channel per frame.
import type { VadSegment } from '../vad/segmenter.js';

export type SpeechRequest =
  | { readonly id: number; readonly op: 'ping' }
  | { readonly id: number; readonly op: 'vad'; readonly rate: 8000 | 16000; readonly pcm: Int16Array }
  /** load a sherpa-onnx vits/piper voice from `dir`; `check: false` only in the test that shows why the check exists */
  | { readonly id: number; readonly op: 'load-voice'; readonly name: string; readonly dir: string; readonly check: boolean }
  | { readonly id: number; readonly op: 'synthesize'; readonly voice: string; readonly text: string; readonly speed: number }
  /** load an offline CTC recogniser (sherpa-onnx `tdnn` model type) from `dir`, after the model check */
  | { readonly id: number; readonly op: 'load-recognizer'; readonly name: string; readonly dir: string }
  /** one utterance through a loaded recogniser; PCM at 8 or 16 kHz (sherpa-onnx resamples to the model's rate) */
  | { readonly id: number; readonly op: 'transcribe'; readonly recognizer: string; readonly rate: 8000 | 16000; readonly pcm: Int16Array }
  /**
   * recognise the utterances of PCM socket stream `stream` with a loaded recogniser: 'asr-partial'
   * events every `partialEveryMs` of an utterance (0: none), 'asr-final' at its end. Sent before the
   * stream's first record; forgotten when the stream ends. With a streaming transducer the
   * stream is decoded as it comes (partials whenever the text changes, when partialEveryMs > 0; a
   * final at each endpoint) and `keywords` (the model's tokens separated by spaces, e.g. '4 8') are
   * spotted on it: 'kws-hit' events.
   */
  | { readonly id: number; readonly op: 'stream-asr'; readonly stream: number; readonly recognizer: string; readonly partialEveryMs: number; readonly keywords?: readonly string[] }
  /** load a CT-transformer punctuation model (model*.onnx) from `dir`, after punctuation-check.ts */
  | { readonly id: number; readonly op: 'load-punctuation'; readonly name: string; readonly dir: string }
  /** a recognised text with punctuation added (worker/punctuation.ts) */
  | { readonly id: number; readonly op: 'punctuate'; readonly punctuation: string; readonly text: string };

export type SpeechResult =
  | { readonly op: 'ping'; readonly pid: number }
  | { readonly op: 'vad'; readonly segments: VadSegment[] }
  | { readonly op: 'load-voice'; readonly sampleRate: number }
  | { readonly op: 'synthesize'; readonly sampleRate: number; readonly samples: Float32Array }
  | { readonly op: 'load-recognizer'; readonly sampleRate: number; readonly featureDim: number; readonly vocabSize: number; readonly streaming: boolean; readonly modelType: string }
  /** timestamps: seconds from the utterance's start, one per token */
  | { readonly op: 'transcribe'; readonly text: string; readonly tokens: string[]; readonly timestamps: number[] }
  | { readonly op: 'stream-asr' }
  | { readonly op: 'load-punctuation'; readonly vocabSize: number; readonly punctuations: string[] }
  | { readonly op: 'punctuate'; readonly text: string };

export type SpeechReply =
  | { readonly id: number; readonly ok: true; readonly result: SpeechResult }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** unsolicited events from the child: VAD on a PCM socket stream */
export type SpeechEvent =
  | { readonly event: 'ready'; readonly pcmSocket: string }
  | { readonly event: 'vad-start'; readonly stream: number; readonly atMs: number }
  | { readonly event: 'vad-end'; readonly stream: number; readonly segment: VadSegment }
  | { readonly event: 'stream-dropped'; readonly stream: number; readonly frames: number }
  /** ms from the stream's first record; a partial's text is the utterance so far, a final's the whole (possibly '') */
  | { readonly event: 'asr-partial'; readonly stream: number; readonly startMs: number; readonly endMs: number; readonly text: string }
  | { readonly event: 'asr-final'; readonly stream: number; readonly startMs: number; readonly endMs: number; readonly text: string }
  /** a keyword of the stream's list was spotted, atMs from the stream's first record */
  | { readonly event: 'kws-hit'; readonly stream: number; readonly keyword: string; readonly atMs: number }
  /** a stream's end record was handled: nothing more comes for it */
  | { readonly event: 'stream-ended'; readonly stream: number };

export type SpeechMessage = SpeechReply | SpeechEvent;
