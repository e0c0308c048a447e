// Call recording writers (WAV and Ogg/Opus) driven by a media worker's tick.
export { Recorder } from './recorder.js';
export type { RecorderOpenOptions, RecorderResult, RecordingFormat, RecordingPause } from './recorder.js';
export { SealedFile, SealedFileError, sealedLayout, sealedRecords } from './sealed-file.js';
export type { SealedLayout, SealedSource } from './sealed-file.js';
export { HEADER_BYTES as SEALED_HEADER_BYTES, SLOT_BYTES as SEALED_SLOT_BYTES, keyBytes as sealKeyBytes, parseSealedHeader, writeSlot as writeSealedSlot } from './sealed-format.js';
export type { SealOptions, SealProfile, SealedFormat, SealedHeader } from './sealed-format.js';
export { ChunkQueue } from './chunk-queue.js';
export type { ChunkFile, ChunkQueueOptions } from './chunk-queue.js';
export { OggPageStaging, oggCrc, OGG_BOS, OGG_EOS, OGG_CONTINUED } from './ogg-page.js';
export { OPUS_PRE_SKIP, opusHead, opusTags } from './opus-headers.js';
export { WAV_HEADER_BYTES, restateWavSizes, writeWavHeader } from './wav-header.js';
