import { Inject, Injectable, Logger } from '@nestjs/common';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { readSealHeader, Signer } from '@relais/signing';
import { DataSource, type EntityManager } from 'typeorm';

import { AuditCheckpoint } from '../entities/audit-checkpoint.entity.js';
import { CHECKPOINT_KIND, type CheckpointPayload } from '../interfaces/checkpoint.interface.js';

/** Two-key advisory lock that serialises checkpointers across worker processes. */
const CHECKPOINTER_LOCK = [7262, 30] as const;

/**
 * Signs checkpoints of the sealed journal: one at every multiple of AUDIT_CHECKPOINT_EVERY_ENTRIES,
 * and one of the last entry when an entry has waited AUDIT_CHECKPOINT_EVERY_MINUTES without one.
 */
@Injectable()
export class AuditCheckpointer {
  private readonly logger = new Logger(AuditCheckpointer.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly signer: Signer,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /** Signs the checkpoints due at `now`; returns them (none when another worker holds the lock). */
  async checkpointDue(now = new Date()): Promise<AuditCheckpoint[]> {
    const created = await this.dataSource.transaction(async (manager) => {
      const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [
        ...CHECKPOINTER_LOCK,
      ]);
      if (!locked) return [];
      const seqs = await this.dueSeqs(manager, now);
      if (seqs.length === 0) return [];
      const rows: { seq: string; hash: string }[] = await manager.query(
        'SELECT seq, hash FROM audit_journal WHERE seq = ANY($1::bigint[]) ORDER BY seq',
        [seqs],
      );
      const checkpoints: AuditCheckpoint[] = [];
      for (const row of rows) checkpoints.push(await this.sign(row, now));
      await manager.getRepository(AuditCheckpoint).insert(checkpoints);
      return checkpoints;
    });
    if (created.length > 0)
      this.logger.log({ checkpoints: created.length, seq: created.at(-1)!.seq }, 'audit checkpoints signed');
    return created;
  }

  /** Seconds since the newest checkpoint was signed; null before the first one. For metrics. */
  async lastCheckpointAgeSeconds(now = new Date()): Promise<number | null> {
    const [row] = await this.dataSource.query('SELECT signed_at FROM audit_checkpoints ORDER BY seq DESC LIMIT 1');
    return row ? Math.max(0, (now.getTime() - new Date(row.signed_at).getTime()) / 1000) : null;
  }

  /** Checkpoints after `afterSeq`, oldest first: what is published. */
  list(afterSeq = '0', limit = 1000): Promise<AuditCheckpoint[]> {
    return this.dataSource
      .getRepository(AuditCheckpoint)
      .createQueryBuilder('checkpoint')
      .where('checkpoint.seq > :afterSeq', { afterSeq })
      .orderBy('checkpoint.seq', 'ASC')
      .limit(limit)
      .getMany();
  }

  private async dueSeqs(manager: EntityManager, now: Date): Promise<string[]> {
    const [state] = await manager.query(
      `SELECT (SELECT coalesce(max(seq), 0) FROM audit_checkpoints)::text AS checkpointed,
              (SELECT coalesce(max(seq), 0) FROM audit_journal)::text AS sealed`,
    );
    const every = BigInt(this.config.AUDIT_CHECKPOINT_EVERY_ENTRIES);
    const sealed = BigInt(state.sealed);
    let seq = BigInt(state.checkpointed);
    const due: bigint[] = [];
    for (let next = (seq / every + 1n) * every; next <= sealed; next += every) due.push((seq = next));
    if (seq < sealed) {
      // The oldest entry without a checkpoint: has it waited long enough?
      const [oldest] = await manager.query('SELECT sealed_at FROM audit_journal WHERE seq = $1', [
        (seq + 1n).toString(),
      ]);
      const waitedMs = now.getTime() - new Date(oldest.sealed_at).getTime();
      if (waitedMs >= this.config.AUDIT_CHECKPOINT_EVERY_MINUTES * 60_000) due.push(sealed);
    }
    return due.map(String);
  }

  private async sign(row: { seq: string; hash: string }, now: Date): Promise<AuditCheckpoint> {
    const payload: CheckpointPayload = {
      kind: CHECKPOINT_KIND,
      seq: row.seq,
      hash: row.hash,
      // Seqs start at 1 and have no gap (verification checks it), so the count is the seq.
      count: row.seq,
      signedAt: now.toISOString(),
    };
    const jws = await this.signer.sign(payload);
    return Object.assign(new AuditCheckpoint(), {
      seq: row.seq,
      hash: row.hash,
      entryCount: payload.count,
      signedAt: now,
      kid: readSealHeader(jws)!.kid,
      jws,
    });
  }
}
