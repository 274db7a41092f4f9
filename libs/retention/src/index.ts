export * from './retention.module.js';
export * from './services/personal-data-retention.service.js';
