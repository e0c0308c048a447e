// The media plane's public API: the only module server/ may import from media/.
export {
  MediaError,
  silentMediaLogger,
  type EndpointHandle,
  type EndpointStats,
  type MediaEngine,
  type MediaEngineEvents,
  type MediaEngineOptions,
  type MediaErrorCode,
  type MediaLogger,
  type RemoteAddress,
} from './types.js';
export { createMediaEngine } from './engine.js';
export * from './sdp/index.js';
