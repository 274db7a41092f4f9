/** What a checkpoint's JWS signs. No personal data: sequence numbers, a hash, a count and a time. */
export interface CheckpointPayload {
  kind: typeof CHECKPOINT_KIND;
  seq: string;
  hash: string;
  count: string;
  signedAt: string;
}

export const CHECKPOINT_KIND = 'relais.audit.checkpoint';

/** A checkpoint as `GET /audit/checkpoints` publishes it. */
export interface PublishedCheckpoint {
  seq: string;
  hash: string;
  count: string;
  signedAt: string;
  kid: string;
  jws: string;
}
