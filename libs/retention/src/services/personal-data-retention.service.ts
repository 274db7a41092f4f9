import { Inject, Injectable, Logger } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DataSource } from 'typeorm';

/** Citizens handled per transaction, so a first run over years of data stays in bounded memory. */
const BATCH = 500;

/**
 * When a mandate ended: its revocation, refusal or expiry (an active one past its end is unusable
 * already); a request never consented to ends when its link expires, or when it was made.
 */
const ENDED_AT = `CASE m.status
    WHEN 'revoked' THEN m.revoked_at
    WHEN 'refused' THEN m.decided_at
    WHEN 'pending_consent' THEN coalesce(m.remote_expires_at, m.created_at)
    ELSE m.expires_at END`;

/**
 * Removes the personal data of citizens whose every mandate ended more than RETENTION_YEARS ago.
 * What stays is pseudonymous: the citizen row (id only), the mandates and their seals (which
 * hold an identity digest, not the identity), attestation hashes, and the journal, whose entries
 * never held personal data (ids and facts only), so the chain still verifies.
 */
@Injectable()
export class PersonalDataRetention {
  private readonly logger = new Logger(PersonalDataRetention.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /** Runs until no citizen is due; returns how many citizens had their personal data removed. */
  async removeExpiredPersonalData(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const removed = await this.removeBatch(now);
      total += removed;
      if (removed < BATCH) break;
    }
    if (total > 0) this.logger.log({ citizens: total }, 'personal data removed (retention)');
    return total;
  }

  private removeBatch(now: Date): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const cutoff = new Date(now);
      cutoff.setUTCFullYear(cutoff.getUTCFullYear() - this.config.RETENTION_YEARS);
      // One mandate of the citizen ended less than RETENTION_YEARS ago keeps their data.
      const due: { id: string; mandate_ids: string[] }[] = await manager.query(
        `SELECT c.id, (SELECT array_agg(m.id ORDER BY m.id) FROM mandates m WHERE m.citizen_id = c.id) AS mandate_ids
           FROM citizens c
          WHERE c.personal_data_removed_at IS NULL
            AND c.id IN (SELECT m.citizen_id FROM mandates m WHERE m.citizen_id IS NOT NULL
                          GROUP BY m.citizen_id HAVING bool_and(coalesce(${ENDED_AT} < $1, false)))
          ORDER BY c.id
          LIMIT ${BATCH}
            FOR UPDATE OF c SKIP LOCKED`,
        [cutoff],
      );
      if (due.length === 0) return 0;
      const ids = due.map((citizen) => citizen.id);
      await manager.query(
        `UPDATE citizens
            SET france_connect_sub = 'removed:' || id, given_name = '', family_name = '',
                birthdate = '0000-00-00', gender = '', birthplace = NULL, birthcountry = NULL,
                preferred_username = NULL, email = NULL, search_name = '', personal_data_removed_at = $2
          WHERE id = ANY($1::uuid[])`,
        [ids, now],
      );
      await manager.query(
        `UPDATE attestations a SET pdf = NULL
           FROM mandates m WHERE a.mandate_id = m.id AND m.citizen_id = ANY($1::uuid[])`,
        [ids],
      );
      await this.audit.recordMany(
        manager,
        due.map((citizen) => ({
          action: AuditAction.CitizenPersonalDataRemoved,
          actor: { type: AuditActorType.System },
          citizenId: citizen.id,
          details: { mandateIds: citizen.mandate_ids, retentionYears: this.config.RETENTION_YEARS },
          occurredAt: now,
        })),
      );
      return due.length;
    });
  }

  /**
   * Removes the applicant's name and address, the planned aides and the operator's message from
   * requests to join refused or closed more than STRUCTURE_REQUEST_RETENTION_MONTHS ago. What
   * stays is the structure's public facts (SIRET, name, address) and the journal (ids only).
   * Accepted requests are kept: their applicant is the structure's supervisor, an account of its own.
   */
  async removeEndedStructureRequests(now = new Date()): Promise<number> {
    const cutoff = new Date(now);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - this.config.STRUCTURE_REQUEST_RETENTION_MONTHS);
    const removed = await this.dataSource.transaction(async (manager) => {
      const [rows]: [{ id: string }[], number] = await manager.query(
        `UPDATE structure_requests
            SET supervisor_given_name = '', supervisor_family_name = '', supervisor_email = '',
                planned_aides = '[]'::jsonb, operator_message = NULL, personal_data_removed_at = $2
          WHERE state IN ('refused', 'closed') AND updated_at < $1 AND personal_data_removed_at IS NULL
          RETURNING id`,
        [cutoff, now],
      );
      await this.audit.recordMany(
        manager,
        rows.map((request) => ({
          action: AuditAction.StructureRequestPersonalDataRemoved,
          actor: { type: AuditActorType.System },
          details: { requestId: request.id, retentionMonths: this.config.STRUCTURE_REQUEST_RETENTION_MONTHS },
          occurredAt: now,
        })),
      );
      return rows.length;
    });
    if (removed > 0) this.logger.log({ requests: removed }, 'structure request personal data removed (retention)');
    return removed;
  }
}
