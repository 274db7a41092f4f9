export * from './queue-name.enum.js';
export * from './queue.module.js';
export * from './redis-options.js';
