export {
  FRANCECONNECT_CALLBACK_PATH,
  FRANCECONNECT_SCOPE,
  franceConnectRedirectUri,
} from './france-connect.constants.js';
export * from './france-connect.module.js';
export * from './interfaces/france-connect-identity.interface.js';
export * from './interfaces/france-connect-transaction.interface.js';
export * from './services/france-connect-client.service.js';
