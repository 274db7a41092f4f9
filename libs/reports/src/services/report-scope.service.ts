import { Injectable } from '@nestjs/common';
import { MembershipRole } from '@relais/aides';
import { AuditAction } from '@relais/audit';
import { DomainException, ErrorCode, ValidationFailedException } from '@relais/exceptions';
import { PROCEDURE_AREA_LABELS, type ProcedureArea, StructuresService } from '@relais/structures';
import { DataSource } from 'typeorm';

import { auditActionLabel } from '../audit-action-labels.js';
import type { ReportCriteria, ReportRequest, ReportRequester } from '../interfaces/report-criteria.interface.js';
import type { ReportManifest } from '../interfaces/report-manifest.interface.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The criteria of an export once the scope rules applied, and what its cover says about them. */
export interface ScopedReport {
  criteria: ReportCriteria;
  structure: ReportManifest['structure'];
  filterLabels: string[];
}

const invalid = (field: string, problem: string) => new ValidationFailedException([{ field, problems: [problem] }]);

/**
 * The one place that decides what a person may export: an aide their own actions in their
 * structure, a supervisor their structure (any of its aides, any of its citizens), an operator
 * any structure, a citizen what was done under their mandates. Ids from a form or URL that point
 * outside are refused (403 for an aide naming someone else, 404 for what is not theirs to know).
 */
@Injectable()
export class ReportScope {
  constructor(
    private readonly dataSource: DataSource,
    private readonly structures: StructuresService,
  ) {}

  async resolve(requester: ReportRequester, request: ReportRequest): Promise<ScopedReport> {
    const period = await this.period(request.from, request.to);
    const filterLabels: string[] = [];
    if (requester.type === 'citizen') {
      return {
        criteria: {
          structureId: null,
          ...period,
          aideId: null,
          citizenId: requester.citizenId,
          area: null,
          action: null,
        },
        structure: null,
        filterLabels,
      };
    }
    const structure = await this.structure(requester, request.siret);
    let aideId = blankToNull(request.aideId);
    if (requester.type === 'aide' && requester.role !== MembershipRole.Supervisor) {
      if (aideId && aideId !== requester.aideId) throw new DomainException(ErrorCode.Forbidden);
      aideId = requester.aideId;
    }
    if (aideId) filterLabels.push(`Aidant : ${await this.aideName(structure.id, aideId)}`);
    const citizenId = blankToNull(request.citizenId);
    if (citizenId) filterLabels.push(`Usager : ${await this.citizenName(structure.id, citizenId)}`);
    const area = blankToNull(request.area);
    if (area) {
      if (!Object.hasOwn(PROCEDURE_AREA_LABELS, area))
        throw invalid('demarche', 'Choisissez une démarche de la liste.');
      filterLabels.push(`Démarche : ${PROCEDURE_AREA_LABELS[area as ProcedureArea]}`);
    }
    const action = blankToNull(request.action);
    if (action) {
      if (!(Object.values(AuditAction) as string[]).includes(action)) {
        throw invalid('action', 'Choisissez un type d’action de la liste.');
      }
      filterLabels.push(`Action : ${auditActionLabel(action)}`);
    }
    return {
      criteria: { structureId: structure.id, ...period, aideId, citizenId, area, action },
      structure,
      filterLabels,
    };
  }

  /** The aides and citizens a supervisor may filter on (the form's lists). */
  async choices(
    structureId: string,
  ): Promise<{ aides: { id: string; name: string }[]; citizens: { id: string; name: string }[] }> {
    const [aides, citizens] = await Promise.all([
      this.dataSource.query(
        `SELECT a.id, coalesce(NULLIF(trim(concat_ws(' ', a.given_name, a.family_name)), ''), a.email) AS name
           FROM memberships m JOIN aides a ON a.id = m.aide_id WHERE m.structure_id = $1 ORDER BY 2`,
        [structureId],
      ),
      this.dataSource.query(
        `SELECT c.id, concat_ws(' ', c.given_name, c.family_name) AS name FROM citizens c
          WHERE EXISTS (SELECT 1 FROM mandates m WHERE m.citizen_id = c.id AND m.structure_id = $1)
          ORDER BY c.family_name, c.given_name LIMIT 500`,
        [structureId],
      ),
    ]);
    return { aides, citizens };
  }

  /** Paris calendar days, both included, as instants [from, to[. */
  private async period(from?: string, to?: string) {
    if (!from || !DAY.test(from)) throw invalid('du', 'Indiquez la date de début (jour, mois, année).');
    if (!to || !DAY.test(to)) throw invalid('au', 'Indiquez la date de fin (jour, mois, année).');
    let row: { from: Date; to: Date };
    try {
      [row] = await this.dataSource.query(
        `SELECT ($1::date::timestamp AT TIME ZONE 'Europe/Paris') AS "from",
                (($2::date + 1)::timestamp AT TIME ZONE 'Europe/Paris') AS "to"`,
        [from, to],
      );
    } catch {
      throw invalid('du', 'Cette date n’existe pas.');
    }
    if (row.from >= row.to) throw invalid('au', 'La date de fin doit être le même jour que la date de début ou après.');
    return { fromDay: from, toDay: to, from: row.from.toISOString(), to: row.to.toISOString() };
  }

  private async structure(requester: Exclude<ReportRequester, { type: 'citizen' }>, siret?: string) {
    if (requester.type === 'operator') {
      if (!siret?.trim()) throw invalid('siret', 'Indiquez le numéro SIRET de la structure.');
      const found = await this.structures.findBySiret(siret);
      return { id: found.id, siret: found.siret, name: found.name };
    }
    const [row] = await this.dataSource.query('SELECT id, siret, name FROM structures WHERE id = $1', [
      requester.structureId,
    ]);
    return { id: row.id as string, siret: row.siret as string, name: row.name as string };
  }

  /** An aide of the structure (any membership, active or not): another structure's is a 404. */
  private async aideName(structureId: string, aideId: string): Promise<string> {
    if (!UUID.test(aideId)) throw new DomainException(ErrorCode.NotFound);
    const [row] = await this.dataSource.query(
      `SELECT coalesce(NULLIF(trim(concat_ws(' ', a.given_name, a.family_name)), ''), a.email) AS name
         FROM memberships m JOIN aides a ON a.id = m.aide_id WHERE m.structure_id = $1 AND m.aide_id = $2`,
      [structureId, aideId],
    );
    if (!row) throw new DomainException(ErrorCode.NotFound);
    return row.name;
  }

  /** A citizen who gave the structure a mandate: anyone else is a 404. */
  private async citizenName(structureId: string, citizenId: string): Promise<string> {
    if (!UUID.test(citizenId)) throw new DomainException(ErrorCode.NotFound);
    const [row] = await this.dataSource.query(
      `SELECT concat_ws(' ', c.given_name, c.family_name) AS name FROM citizens c
        WHERE c.id = $2 AND EXISTS (SELECT 1 FROM mandates m WHERE m.citizen_id = c.id AND m.structure_id = $1)`,
      [structureId, citizenId],
    );
    if (!row) throw new DomainException(ErrorCode.NotFound);
    return row.name;
  }
}

function blankToNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
