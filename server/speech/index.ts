// On-device speech (docs/speech.md): the model installer, model checks, the supervised speech
// process (VAD, sherpa-onnx voices), and TTS prompts. Other server modules import only this file.
export { ModelInstaller, type InstalledMarker, type ModelStatus } from './models/installer.js';
export { loadManifest, ModelEntry, ModelKind, type Manifest } from './models/manifest.js';
export { ModelError, type ModelErrorCode } from './models/errors.js';
export { onnxModelCheck } from './check/model-check.js';
export { SpeechProcess, SpeechError } from './supervisor.js';
export { EspeakTts } from './tts/espeak.js';
export { FliteTts, localTtsEngines } from './tts/flite.js';
export { TtsPrompts } from './tts/prompt-cache.js';
export { SherpaVoiceTts } from './tts/sherpa-voice.js';
export { TtsError, type TtsEngine, type TtsRate } from './tts/tts.js';
export type { OfflineRecognizer, RecognitionResult } from './asr.js';
export { SherpaOfflineAsr } from './offline-asr.js';
export { SpeechStreams, type OpenStream, type Recognizer, type StreamEvent, type StreamsSpeech } from './streams.js';
export { offlineAsrCheck } from './check/offline-asr-check.js';
export { SherpaPunctuator, type Punctuator } from './punctuator.js';
export { punctuationCheck } from './check/punctuation-check.js';
export { tidyPunctuated } from './punctuation-text.js';
