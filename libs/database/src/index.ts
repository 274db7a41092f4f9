export * from './connection-options.js';
export * from './database.module.js';
export * from './ensure-database.js';
export * from './prepared-query.js';
