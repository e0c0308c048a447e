export * from './types.js';
export { parseSdp, parseRtpMap, MAX_SDP_LENGTH } from './parse.js';
export { serializeSdp } from './serialize.js';
export { anchorSdp, DEFAULT_CODECS, type AnchorOptions, type AnchorResult, type AnchorRemote, type MediaDirection } from './anchor.js';
export { ENGINE_CODECS, type ExtraCodec } from './anchor.js';
export { audioFormats, engineCodec, formatOf, type AudioFormats, type OfferedCodec } from './formats.js';
