// Call recording writers (WAV and Ogg/Opus) driven by a media worker's tick.
export { Recorder } from './recorder.js';
export type { RecorderOpenOptions, RecorderResult, RecordingFormat, RecordingPause } from './recorder.js';
export { ChunkQueue } from './chunk-queue.js';
export type { ChunkFile, ChunkQueueOptions } from './chunk-queue.js';
export { OggPageStaging, oggCrc, OGG_BOS, OGG_EOS, OGG_CONTINUED } from './ogg-page.js';
export { OPUS_PRE_SKIP, opusHead, opusTags } from './opus-headers.js';
export { WAV_HEADER_BYTES, writeWavHeader } from './wav-header.js';
