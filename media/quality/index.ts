export * from './reception-stats.js';
export * from './rtcp-report.js';
export * from './emodel.js';
export * from './round-trip.js';
export * from './rtcp-interval.js';
