export * from './health.module.js';
export * from './health.controller.js';
