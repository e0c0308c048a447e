// Post-call transcription (docs/speech.md): the job queue's worker. Other modules import only this file.
export { TranscriptionService, type TranscriptionServiceOptions } from './service.js';
export { parseWav, type WavChannels } from './wav.js';
export { LiveTranscription, type LiveTranscriptionOptions, type TranscribedCall, type TranscriptLeg } from './live.js';
export { CallKeywords, CONFIGURED_LIST, type CallKeyword } from './keywords.js';
