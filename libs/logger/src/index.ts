export * from './logger.module.js';
export * from './redacted-paths.js';
