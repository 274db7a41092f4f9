export * from './bar-chart-svg.js';
export * from './indicators.js';
export * from './services/public-statistics.service.js';
export * from './small-counts.js';
export * from './statistics-csv.js';
export * from './statistics.module.js';
