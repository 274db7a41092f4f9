import { Injectable } from '@nestjs/common';
import { AuditChainVerifier, type ChainAnchor, type ChainVerification } from '@relais/audit';
import { Signer, type VerificationFailure } from '@relais/signing';
import { DataSource } from 'typeorm';

import { CHECKPOINT_KIND, type CheckpointPayload } from '../interfaces/checkpoint.interface.js';

/** A checkpoint whose signature does not verify, or that is not a checkpoint. */
export interface RejectedCheckpoint {
  /** The seq the row or file claims (unverified). */
  seq: string;
  reason: VerificationFailure | 'not_a_checkpoint';
}

export interface JournalVerification {
  ok: boolean;
  chain: ChainVerification;
  /** Checkpoints whose signature verified, oldest first. */
  checkpoints: CheckpointPayload[];
  rejected: RejectedCheckpoint[];
}

/**
 * Checks the chain against every signed checkpoint: the stored ones and any published copy an
 * outsider kept (which survives someone deleting the journal's tail and the checkpoints with it).
 */
@Injectable()
export class JournalVerifier {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: AuditChainVerifier,
    private readonly signer: Signer,
  ) {}

  async verify(
    onProgress?: (checked: number) => void,
    published: readonly { seq?: unknown; jws?: unknown }[] = [],
  ): Promise<JournalVerification> {
    const stored: { seq: string; jws: string }[] = await this.dataSource.query(
      'SELECT seq::text AS seq, jws FROM audit_checkpoints ORDER BY seq',
    );
    const { checkpoints, rejected } = await this.verifySignatures([...stored, ...published]);
    const anchors: ChainAnchor[] = checkpoints.map(({ seq, hash }) => ({ seq, hash }));
    const chain = await this.chain.verify(onProgress, anchors);
    return { ok: chain.ok && rejected.length === 0, chain, checkpoints, rejected };
  }

  private async verifySignatures(candidates: readonly { seq?: unknown; jws?: unknown }[]) {
    const bySeq = new Map<string, CheckpointPayload>();
    const rejected: RejectedCheckpoint[] = [];
    for (const candidate of candidates) {
      const result = await this.signer.verify(String(candidate.jws ?? ''));
      const claimed = String(candidate.seq ?? '?');
      if (!result.valid) {
        rejected.push({ seq: claimed, reason: result.reason });
        continue;
      }
      const payload = result.payload as Partial<CheckpointPayload>;
      if (!isCheckpoint(payload)) rejected.push({ seq: claimed, reason: 'not_a_checkpoint' });
      else bySeq.set(`${payload.seq}:${payload.hash}`, payload);
    }
    const checkpoints = [...bySeq.values()].sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : 1));
    return { checkpoints, rejected };
  }
}

function isCheckpoint(payload: Partial<CheckpointPayload>): payload is CheckpointPayload {
  return (
    payload.kind === CHECKPOINT_KIND &&
    typeof payload.seq === 'string' &&
    /^[1-9][0-9]{0,18}$/.test(payload.seq) &&
    typeof payload.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(payload.hash)
  );
}
