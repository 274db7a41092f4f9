export { CLIENT_ID_PATTERN, clientSecretMatches } from './client-credentials.js';
export * from './entities/public-service.entity.js';
export * from './exceptions/invalid-redirect-uri.exception.js';
export * from './exceptions/public-service-not-found.exception.js';
export * from './public-services.module.js';
export * from './redirect-uri.js';
export * from './services/public-services.service.js';
export * from './services/public-service-directory.service.js';
