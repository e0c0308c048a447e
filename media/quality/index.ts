export * from './reception-stats.js';
export * from './rtcp-report.js';
export * from './emodel.js';
