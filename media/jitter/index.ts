// Adaptive jitter buffer for the decode paths (see jitter-buffer.ts for the playout contract).
export { JitterBuffer } from './jitter-buffer.js';
export { DelayEstimator, type DelayEstimatorOptions } from './delay-estimator.js';
export { JITTER_EMPTY, JITTER_LOST, JITTER_PLAY, type JitterBufferOptions, type JitterPacket, type JitterResult, type JitterStats } from './types.js';
