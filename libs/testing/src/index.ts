export * from './test-environment.js';
export * from './browser.js';
