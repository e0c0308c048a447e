export type { AudioCodec, CodecName, CreateCodecOptions, OpusCodecOptions, RtpmapOptions } from './types.js';
export { createCodec, codecFromRtpmap } from './factory.js';
export { WaveformPlc } from './plc.js';
export { G722Encoder, G722Decoder } from './g722.js';
export { ULAW_ENCODE, ULAW_DECODE, ALAW_ENCODE, ALAW_DECODE } from './g711.js';
