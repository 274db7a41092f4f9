export { renderMandateAttestation } from './documents/mandate-attestation.document.js';
export { renderRevocationAttestation } from './documents/revocation-attestation.document.js';
export * from './interfaces/index.js';
export { readEmbeddedSeal, SEAL_INFO_KEY } from './seal/embedded-seal.js';
export { singleLine, toWinAnsi, unprintableCharacters } from './text/win-ansi.js';
