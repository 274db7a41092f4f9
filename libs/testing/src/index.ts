export * from './test-environment.js';
export * from './browser.js';
export * from './run-cli.js';
export * from './structures.js';
export * from './smtp-server.js';
export * from './citizen-user-agent.js';
export * from './identity-sandbox.js';
export * from './free-port.js';
