import './session-data.js';

export * from './auth.module.js';
export * from './decorators/console-access.decorator.js';
export * from './guards/console.guard.js';
export * from './interfaces/console-access.interface.js';
export * from './interfaces/session-subject.interface.js';
export * from './services/console-subjects.service.js';
export * from './services/session-check.service.js';
export * from './services/console-login.service.js';
export * from './services/member-context.service.js';
export * from './session-data.js';
export * from './services/enrolment-secrets.service.js';
export * from './guards/login-rate-limit.guard.js';
export * from './services/session-redis.service.js';
export * from './middleware/session.middleware.js';
