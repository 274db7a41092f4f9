export * from './link-token.js';
