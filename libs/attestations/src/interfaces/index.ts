export * from './attestation-parties.interface.js';
export * from './attestation-verification.interface.js';
export * from './mandate-attestation.interface.js';
export * from './revocation-attestation.interface.js';
