import type { VerificationFailure } from '../enums/verification-failure.enum.js';

/** What verifying a JWS gives: the signed payload, or why it was refused. Never throws for a bad JWS. */
export type VerificationResult =
  | { valid: true; kid: string; payload: Record<string, unknown> }
  | { valid: false; reason: VerificationFailure; kid?: string };
