import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { PROCEDURE_AREA_LABELS, type ProcedureArea } from '@relais/structures';
import { DataSource } from 'typeorm';

import { USES_PER_PAGE } from '../portal-session.js';

/** One use of a mandate: a delegated login an aide made for the citizen. */
export interface MandateUse {
  at: Date;
  publicService: string;
  areaLabel: string;
  aideName: string;
  structureName: string;
}

export interface MandateUsesPage {
  uses: MandateUse[];
  page: number;
  pages: number;
  total: number;
}

interface UseRow {
  created_at: Date;
  area: ProcedureArea;
  service_name: string;
  given_name: string | null;
  family_name: string | null;
  structure_name: string;
  total: string;
}

/**
 * Every use of a mandate, newest first, read from the delegations (the record of each delegated
 * login, the one the journal's entries point to), never from a copy. Reading it is journaled.
 * The caller checked the mandate is the citizen's (MyMandates.one); the query says so again.
 */
@Injectable()
export class MandateUses {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  async page(citizenId: string, mandateId: string, page: number): Promise<MandateUsesPage> {
    return this.dataSource.transaction(async (manager) => {
      const rows: UseRow[] = await manager.query(
        `SELECT d.created_at, d.area, p.name AS service_name, a.given_name, a.family_name,
                s.name AS structure_name, count(*) OVER () AS total
           FROM delegations d
           JOIN public_services p ON p.id = d.public_service_id
           JOIN aides a ON a.id = d.aide_id
           JOIN structures s ON s.id = d.structure_id
          WHERE d.mandate_id = $1 AND d.citizen_id = $2
          ORDER BY d.created_at DESC, d.id DESC
          LIMIT $3 OFFSET $4`,
        [mandateId, citizenId, USES_PER_PAGE, (page - 1) * USES_PER_PAGE],
      );
      await this.audit.record(manager, {
        action: AuditAction.CitizenHistoryViewed,
        actor: { type: AuditActorType.Citizen, id: citizenId },
        citizenId,
        mandateId,
        details: { page },
      });
      const total = rows.length > 0 ? Number(rows[0].total) : await this.count(citizenId, mandateId);
      return {
        uses: rows.map((row) => ({
          at: row.created_at,
          publicService: row.service_name,
          areaLabel: PROCEDURE_AREA_LABELS[row.area],
          aideName: [row.given_name, row.family_name].filter(Boolean).join(' ') || 'Aidant ou aidante',
          structureName: row.structure_name,
        })),
        page,
        pages: Math.max(1, Math.ceil(total / USES_PER_PAGE)),
        total,
      };
    });
  }

  /** Past the last page the window is empty: the count still says how many there are. */
  private async count(citizenId: string, mandateId: string): Promise<number> {
    const [row]: { total: string }[] = await this.dataSource.query(
      'SELECT count(*) AS total FROM delegations WHERE mandate_id = $1 AND citizen_id = $2',
      [mandateId, citizenId],
    );
    return Number(row.total);
  }
}
