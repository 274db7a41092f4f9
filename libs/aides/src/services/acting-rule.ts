import { DomainException, ErrorCode } from '@relais/exceptions';
import type { EntityManager } from 'typeorm';

/** Why an aide may not act with mandates for a structure now. */
export type ActingRefusal = 'not_member' | 'not_trained';

/** The aliases of the aides, memberships and structures rows a query joins. */
export interface ActingAliases {
  aide: string;
  membership: string;
  structure: string;
}

/**
 * The one rule "may this aide act with mandates for this structure now?" (create, consent,
 * delegated login, token use), as SQL over a row joining aides, memberships and structures: NULL
 * when they may, else the ActingRefusal. An active account, an active membership of an active
 * structure, and validated training.
 */
export function actingRefusalSql(aliases: Partial<ActingAliases> = {}): string {
  const { aide = 'a', membership = 'ms', structure = 's' } = aliases;
  return `(CASE WHEN NOT (${aide}.active AND ${membership}.active AND ${structure}.active) THEN 'not_member'
               WHEN ${membership}.training_validated_at IS NULL THEN 'not_trained' END)`;
}

/** The acting rule for one aide and one structure: null when they may act. */
export async function aideMayAct(
  manager: EntityManager,
  structureId: string,
  aideId: string,
): Promise<ActingRefusal | null> {
  const [row]: { refusal: ActingRefusal | null }[] = await manager.query(
    `SELECT ${actingRefusalSql()} AS refusal
       FROM memberships ms
       JOIN aides a ON a.id = ms.aide_id
       JOIN structures s ON s.id = ms.structure_id
      WHERE ms.aide_id = $1 AND ms.structure_id = $2`,
    [aideId, structureId],
  );
  return row ? row.refusal : 'not_member';
}

/** A refusal of the acting rule as an exception: 403 Forbidden, or AideNotTrained. */
export function assertMayAct(refusal: ActingRefusal | null): void {
  if (refusal === 'not_member') throw new DomainException(ErrorCode.Forbidden);
  if (refusal === 'not_trained') throw new DomainException(ErrorCode.AideNotTrained);
}
