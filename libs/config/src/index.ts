export * from './config.module.js';
export * from './env.schema.js';
export * from './invalid-configuration.error.js';
export * from './load-config.js';
export * from './project-root.js';
export * from './relais-config.token.js';
export * from './exit-on-boot-failure.js';
export * from './trusted-proxies.js';
