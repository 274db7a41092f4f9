export * from './audit-checkpoints.module.js';
export * from './entities/audit-checkpoint.entity.js';
export * from './interfaces/checkpoint.interface.js';
export * from './services/audit-checkpointer.service.js';
export * from './services/journal-verifier.service.js';
