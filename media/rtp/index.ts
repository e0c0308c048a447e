export * from './rtp.js';
export * from './rtcp.js';
