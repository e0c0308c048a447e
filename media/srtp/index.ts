export * from './crypto-attribute.js';
export * from './srtp-context.js';
export { aesCmIv, type AesCmIvOptions } from './aes-cm-hmac-sha1-32.js';
export { ReplayTable, estimateRoc, DEFAULT_REPLAY_WINDOW, REPLAY_OK, REPLAY_SEEN, REPLAY_TOO_OLD } from './replay.js';
