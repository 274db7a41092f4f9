import { Injectable } from '@nestjs/common';
import { MandateStatus, RevokedBy } from '@relais/mandates';
import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';
import { DataSource } from 'typeorm';

/** How far back the supervisor's home page lists the revocations citizens made themselves. */
export const CITIZEN_REVOCATION_NOTICE_DAYS = 30;

/** A mandate of the structure that its citizen stopped (in whole or in part) in the portal. */
export interface CitizenRevocationNotice {
  mandateId: string;
  citizenName: string;
  areaLabels: string[];
  revokedAt: Date;
  whole: boolean;
}

/**
 * For the supervisor's home page: the structure's mandates revoked by their citizens lately. An
 * area revoked with no aide named was revoked by the citizen (RevocationService records the aide
 * otherwise, and expiry or replacement are other reasons).
 */
@Injectable()
export class CitizenRevocationNotices {
  constructor(private readonly dataSource: DataSource) {}

  async recent(structureId: string, now = new Date()): Promise<CitizenRevocationNotice[]> {
    const rows: {
      mandate_id: string;
      given_name: string;
      family_name: string;
      areas: ProcedureArea[];
      revoked_at: Date;
      status: string;
    }[] = await this.dataSource.query(
      `SELECT p.mandate_id, c.given_name, c.family_name, array_agg(p.area ORDER BY p.area) AS areas,
              max(p.revoked_at) AS revoked_at, m.status
         FROM mandate_procedures p
         JOIN mandates m ON m.id = p.mandate_id
         JOIN citizens c ON c.id = p.citizen_id
        WHERE p.structure_id = $1 AND p.revoked_by = $3
          AND p.revoked_at > $2
        GROUP BY p.mandate_id, c.given_name, c.family_name, m.status
        ORDER BY max(p.revoked_at) DESC
        LIMIT 50`,
      [structureId, new Date(now.getTime() - CITIZEN_REVOCATION_NOTICE_DAYS * 24 * 3600 * 1000), RevokedBy.Citizen],
    );
    return rows.map((row) => ({
      mandateId: row.mandate_id,
      citizenName: `${row.given_name} ${row.family_name}`,
      areaLabels: row.areas.map((area) => PROCEDURE_AREA_LABELS[area]),
      revokedAt: row.revoked_at,
      whole: row.status === MandateStatus.Revoked,
    }));
  }
}
