export * from './redis-cluster-nodes.js';
export * from './redis-connections.js';
export * from './redis-keys.js';
