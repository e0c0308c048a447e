// The media plane's public API: the only module server/ may import from media/.
export {
  MediaError,
  silentMediaLogger,
  type EndpointHandle,
  type EndpointEvents,
  type EndpointStats,
  type MediaEngine,
  type MediaEngineEvents,
  type MediaEngineOptions,
  type MediaErrorCode,
  type CodecName,
  type MediaFormat,
  type SrtpKeys,
  type DtmfMethod,
  type PlayItem,
  type MonitorMode,
  type RecordingHandle,
  type RecordingOptions,
  type RecordingResult,
  type RoomHandle,
  type MediaLogger,
  type RemoteAddress,
  type CreateEndpointOptions,
} from './types.js';
export { createMediaEngine } from './engine.js';
/** figures of an endpoint that carried nothing */
export { emptyStats } from './endpoint-handle.js';
export * from './sdp/index.js';
export { parseCryptoAttribute, formatCryptoAttribute, chooseCrypto, newCryptoKey, SRTP_CONTEXT_SUITES, type CryptoAttribute, type CryptoSuite } from './srtp/index.js';
export { mosFromEmodel } from './quality/index.js';
/** encryption at rest: the sealed recording format, for the server's key handling, playback and rotation */
export {
  SealedFile,
  SealedFileError,
  sealedLayout,
  sealedRecords,
  restateWavSizes,
  SEALED_HEADER_BYTES,
  SEALED_SLOT_BYTES,
  sealKeyBytes,
  parseSealedHeader,
  writeSealedSlot,
  type SealOptions,
  type SealProfile,
  type SealedFormat,
  type SealedHeader,
  type SealedLayout,
  type SealedSource,
} from './recorder/index.js';
// whole-clip helpers (load time, never the packet path) for server/speech's synthesised prompts
export { parseWav, type WavAudio } from './player/index.js';
export { resampleAll } from './dsp/resample.js';
