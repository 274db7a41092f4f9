import './portal-session.js';

export * from './portal-session.js';
export * from './portal.module.js';
export * from './services/citizen-revocation-notices.service.js';
export * from './services/citizen-revocation.service.js';
export * from './services/citizen-subject.service.js';
export * from './services/mandate-uses.service.js';
export * from './services/my-mandates.service.js';
export * from './services/portal-login.service.js';
export * from './time-left.js';
