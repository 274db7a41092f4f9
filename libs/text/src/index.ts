export * from './searchable.js';
