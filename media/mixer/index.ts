// N-party mixer with a hearing matrix, and supervisor monitoring modes on it.
export { Mixer, type MixerOptions } from './mixer.js';
export { applyMonitor, type MonitorMode, type MonitorOptions } from './roles.js';
