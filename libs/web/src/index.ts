export * from './configure-web.js';
