import { Injectable } from '@nestjs/common';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { InvitationsService, MembershipRole } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { Structure } from '@relais/structures';
import { hashLinkToken, newLinkToken } from '@relais/tokens';
import { DataSource, type EntityManager } from 'typeorm';

import {
  countRows,
  type ImportCounts,
  type ImportRow,
  previewRows,
  type PreviewRow,
  readCells,
  rowsFromCells,
} from '../aide-rows.js';
import { AideImport } from '../entities/aide-import.entity.js';

/** How long a preview waits for its confirmation. */
export const IMPORT_PREVIEW_TTL_MS = 30 * 60 * 1000;

/** Who imports: a supervisor (their own structure) or an operator (any), by aide id. */
export interface ImportActor {
  type: AuditActorType.Aide | AuditActorType.Operator;
  id: string;
}

export interface ImportPreview {
  /** Goes into the confirmation form; only its hash is kept. */
  token: string;
  structureId: string;
  structureName: string;
  rows: PreviewRow[];
  counts: ImportCounts;
  expiresAt: Date;
}

export interface ImportResult {
  invited: number;
  /** Rows that were new at the preview but whose person joined the structure meanwhile. */
  alreadyMembers: number;
  invalid: number;
  trained: number;
}

/**
 * Aides in bulk from a CSV or XLSX file: a preview names each row (new, already a member,
 * invalid and why) and writes nothing but itself; confirming invites the new rows in one
 * transaction with one journal entry holding the counts.
 */
@Injectable()
export class AideImportsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditRecorder,
    private readonly invitations: InvitationsService,
  ) {}

  async preview(structureId: string, file: Buffer, actor: ImportActor): Promise<ImportPreview> {
    await this.purgeExpired();
    const structure = await this.assertMayImport(this.dataSource.manager, structureId, actor);
    const rows = rowsFromCells(await readCells(file));
    const members = await this.memberEmails(this.dataSource.manager, structure.id, rows);
    const preview = previewRows(rows, members);
    const counts = countRows(preview);
    const { token, tokenHash } = newLinkToken();
    const expiresAt = new Date(Date.now() + IMPORT_PREVIEW_TTL_MS);
    const toInvite: ImportRow[] = preview
      .filter((row) => row.status === 'new')
      .map(({ line, givenName, familyName, email, role, roleText, trained }) => ({
        line,
        givenName,
        familyName,
        email,
        role,
        roleText,
        trained,
      }));
    await this.dataSource.manager.insert(AideImport, {
      tokenHash,
      structureId: structure.id,
      actorType: actor.type,
      actorId: actor.id,
      rows: { toInvite, counts },
      expiresAt,
    });
    return { token, structureId: structure.id, structureName: structure.name, rows: preview, counts, expiresAt };
  }

  /** Invites the new rows of a preview, once, by the person who previewed it. */
  async confirm(token: string, actor: ImportActor): Promise<ImportResult> {
    return this.dataSource.transaction(async (manager) => {
      const stored =
        typeof token === 'string' && token.length < 100
          ? await manager.findOne(AideImport, {
              where: { tokenHash: hashLinkToken(token) },
              lock: { mode: 'pessimistic_write' },
            })
          : null;
      if (
        !stored ||
        stored.confirmedAt ||
        stored.expiresAt.getTime() <= Date.now() ||
        stored.actorId !== actor.id ||
        stored.actorType !== actor.type
      ) {
        throw new DomainException(ErrorCode.AideImportExpired);
      }
      // The right to import is checked again: a supervisor may have lost the role since the preview.
      const structure = await this.assertMayImport(manager, stored.structureId, actor);
      const { toInvite, counts } = stored.rows;
      const members = await this.memberEmails(manager, structure.id, toInvite);
      const fresh = toInvite.filter((row) => !members.has(row.email));
      await this.invitations.inviteManyIn(
        manager,
        fresh.map((row) => ({
          structureId: structure.id,
          email: row.email,
          role: row.role ?? MembershipRole.Aide,
          givenName: row.givenName,
          familyName: row.familyName,
          trained: row.trained === true,
        })),
        actor,
        { record: false, notify: { structureName: structure.name } },
      );
      const result: ImportResult = {
        invited: fresh.length,
        alreadyMembers: toInvite.length - fresh.length,
        invalid: counts.invalid,
        trained: fresh.filter((row) => row.trained === true).length,
      };
      await manager.update(AideImport, { id: stored.id }, { confirmedAt: new Date() });
      await this.audit.record(manager, {
        action: AuditAction.AidesImported,
        actor,
        structureId: structure.id,
        details: {
          importId: stored.id,
          rows: counts.total,
          invited: result.invited,
          alreadyMembers: counts.members + result.alreadyMembers,
          invalid: counts.invalid,
          trained: result.trained,
        },
      });
      return result;
    });
  }

  /** Previews past their 30 minutes are of no more use (run at each preview; the journal keeps the counts). */
  async purgeExpired(now = new Date()): Promise<void> {
    await this.dataSource.query('DELETE FROM aide_imports WHERE expires_at <= $1', [now]);
  }

  /** The structure, if the actor may import into it: its active supervisor, or an active operator. */
  private async assertMayImport(manager: EntityManager, structureId: string, actor: ImportActor): Promise<Structure> {
    const structure = isUuid(structureId)
      ? await manager.findOneBy(Structure, { id: structureId, active: true })
      : null;
    if (!structure) throw new DomainException(ErrorCode.StructureNotFound, { details: {} });
    const [allowed]: Array<{ ok: boolean }> =
      actor.type === AuditActorType.Operator
        ? await manager.query('SELECT true AS ok FROM aides WHERE id = $1 AND active AND operator', [actor.id])
        : await manager.query(
            `SELECT true AS ok FROM memberships m JOIN aides a ON a.id = m.aide_id
              WHERE m.aide_id = $1 AND m.structure_id = $2 AND m.role = 'supervisor' AND m.active AND a.active`,
            [actor.id, structureId],
          );
    if (!allowed) throw new DomainException(ErrorCode.Forbidden);
    return structure;
  }

  /** The addresses among `rows` that already have a membership (active or not) in the structure. */
  private async memberEmails(
    manager: EntityManager,
    structureId: string,
    rows: readonly ImportRow[],
  ): Promise<Set<string>> {
    const emails = [...new Set(rows.map((row) => row.email).filter(Boolean))];
    if (emails.length === 0) return new Set();
    const found: Array<{ email: string }> = await manager.query(
      `SELECT lower(a.email) AS email FROM aides a JOIN memberships m ON m.aide_id = a.id
        WHERE m.structure_id = $1 AND lower(a.email) = ANY($2::text[])`,
      [structureId, emails],
    );
    return new Set(found.map((row) => row.email));
  }
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id ?? '');
