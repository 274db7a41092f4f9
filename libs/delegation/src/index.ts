export * from './delegation.module.js';
export * from './delegation.tokens.js';
export * from './entities/delegation.entity.js';
export * from './entities/oidc-signing-key.entity.js';
export * from './provider/delegation-claims.js';
export * from './provider/provider-pages.js';
export {
  DELEGATION_ACR,
  DELEGATION_PATH,
  INTERACTION_TTL_S,
  MAX_STATE_NONCE_LENGTH,
  OIDC_MOUNT_PATH,
} from './provider/relais-provider.factory.js';
export {
  CLIENT_AUTH_FAILURES_PER_CLIENT,
  CLIENT_AUTH_FAILURES_PER_IP,
  CLIENT_AUTH_WINDOW_MS,
  clientAuthLimit,
} from './provider/client-auth-limit.js';
export * from './interfaces/actor.interface.js';
export * from './provider/provider-errors.js';
export * from './services/citizen-picker.service.js';
export * from './services/delegated-accounts.service.js';
export * from './services/delegation-interactions.service.js';
export * from './services/delegation-opener.service.js';
export * from './services/delegation-sweeper.service.js';
export * from './services/provider-grants.service.js';
export { RedisAdapter } from './provider/redis-adapter.js';
export * from './services/provider-keys.service.js';
