import { Injectable } from '@nestjs/common';
import { MembershipRole, NotificationKind } from '@relais/aides';
import { DataSource } from 'typeorm';

import type { RevocationPropagation } from './expiry-scheduler.service.js';

/**
 * After a revocation: emails saying who stopped it (`by`: mandate_procedures.revoked_by) and the
 * structure's name to the structure's active supervisors and to the citizen (when
 * FranceConnect gave an address). Idempotent: a retried job finds the rows already queued.
 */
@Injectable()
export class RevocationNotices {
  constructor(private readonly dataSource: DataSource) {}

  async queue(revocation: RevocationPropagation): Promise<number> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH m AS (SELECT md.id, md.structure_id, md.citizen_id, s.name AS structure_name
                    FROM mandates md JOIN structures s ON s.id = md.structure_id WHERE md.id = $1),
            -- Who did it, as the revocation wrote it on the areas it stopped at that instant.
            by AS (SELECT min(revoked_by) AS revoked_by FROM mandate_procedures
                    WHERE mandate_id = $1 AND revoked_by IS NOT NULL
                      AND date_trunc('milliseconds', revoked_at) = $2::timestamptz),
            payload AS (SELECT jsonb_strip_nulls(jsonb_build_object(
                                 'mandateId', $1::text, 'endedAt', $2::text, 'whole', $3::boolean,
                                 'by', by.revoked_by, 'structureName', m.structure_name)) AS p
                          FROM m, by),
            recipients AS (
              SELECT ms.aide_id, NULL::uuid AS citizen_id, $4::text AS kind
                FROM m JOIN memberships ms ON ms.structure_id = m.structure_id AND ms.active AND ms.role = $6
                JOIN aides a ON a.id = ms.aide_id AND a.active
              UNION ALL
              SELECT NULL, m.citizen_id, $5::text FROM m JOIN citizens c ON c.id = m.citizen_id WHERE c.email IS NOT NULL
            )
       INSERT INTO notifications (aide_id, citizen_id, kind, payload)
       SELECT r.aide_id, r.citizen_id, r.kind, payload.p FROM recipients r, payload
        WHERE NOT EXISTS (SELECT 1 FROM notifications n
                           WHERE n.kind = r.kind AND n.payload = payload.p
                             AND n.aide_id IS NOT DISTINCT FROM r.aide_id
                             AND n.citizen_id IS NOT DISTINCT FROM r.citizen_id)
       RETURNING id`,
      [
        revocation.mandateId,
        revocation.revokedAt,
        revocation.whole,
        NotificationKind.MandateRevoked,
        NotificationKind.CitizenMandateRevoked,
        MembershipRole.Supervisor,
      ],
    );
    return rows.length;
  }
}
