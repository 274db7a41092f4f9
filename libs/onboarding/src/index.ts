export * from './aide-rows.js';
export * from './entities/aide-import.entity.js';
export * from './entities/structure-request.entity.js';
export * from './entities/structure-request-link.entity.js';
export * from './onboarding.module.js';
export * from './services/aide-imports.service.js';
export * from './services/structure-requests.service.js';
export * from './structure-request-workflow.js';
