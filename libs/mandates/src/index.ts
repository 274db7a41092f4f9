export * from './enums/mandate-duration.enum.js';
export * from './enums/mandate-status.enum.js';
export * from './services/mandate-usability.js';
