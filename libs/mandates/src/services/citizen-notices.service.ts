import { Injectable } from '@nestjs/common';
import { NotificationKind } from '@relais/aides';
import { PROCEDURE_AREA_LABELS } from '@relais/structures';
import { DataSource } from 'typeorm';

import { MandateStatus } from '../enums/mandate-status.enum.js';
import { AREA_USABLE_SQL } from './mandate-usability.js';

/** The seven-day notice goes this long before a mandate's end. */
export const ENDING_NOTICE_DAYS = 7;

/** An instant as ISO 8601 UTC with milliseconds, in SQL (what `new Date()` reads back exactly). */
const isoUtc = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The area's French label, from the catalogue passed as jsonb parameter `$labels`. */
const areaLabel = (column: string, labels: string) => `coalesce(${labels}::jsonb ->> ${column}, ${column})`;

export interface DigestRun {
  /** The Paris day whose uses were read (YYYY-MM-DD). */
  day: string;
  /** Emails queued now (0 when a previous run already queued them). */
  queued: number;
}

/**
 * The citizen's periodic emails, queued in the notifications outbox by daily worker jobs, each one
 * set-based SQL statement and idempotent through `notifications.dedup_key` (a second run, or a
 * retried job, inserts nothing): the uses digest and the seven-day notice. Only for citizens
 * FranceConnect gave an address; the address itself is read at delivery.
 */
@Injectable()
export class CitizenNotices {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * One email per mandate used on the Paris day before `now`, listing that day's uses oldest
   * first, read from the delegations (the record of each delegated login, as the portal's history).
   * Dedup key `citizen_mandate_used:<mandate id>:<day>`: at most one per mandate and day.
   */
  async queueUsesDigest(now = new Date()): Promise<DigestRun> {
    const [{ day }]: Array<{ day: string }> = await this.dataSource.query(
      `SELECT to_char(($1::timestamptz AT TIME ZONE 'Europe/Paris')::date - 1, 'YYYY-MM-DD') AS day`,
      [now],
    );
    return this.queueUsesDigestOf(day);
  }

  /**
   * The digest of one Paris day (YYYY-MM-DD), as the daily job does for the day before; for the
   * operator's `citizen-emails:run --day`. Digesting a day not yet over takes its key: the uses
   * after it get no email (they stay in the portal).
   */
  async queueUsesDigestOf(day: string): Promise<DigestRun> {
    const inserted: Array<{ id: string }> = await this.dataSource.query(
      `WITH bounds AS (
           SELECT to_char(d, 'YYYY-MM-DD') AS day,
                  d::timestamp AT TIME ZONE 'Europe/Paris' AS from_at,
                  (d + 1)::timestamp AT TIME ZONE 'Europe/Paris' AS to_at
             FROM (SELECT $1::date AS d) yesterday
         ), uses AS (
           SELECT dl.id, dl.mandate_id, dl.citizen_id, dl.created_at, b.day,
                  jsonb_build_object(
                    'at', ${isoUtc('dl.created_at')},
                    'publicService', ps.name,
                    'area', ${areaLabel('dl.area', '$3')},
                    'aide', coalesce(nullif(concat_ws(' ', nullif(btrim(a.given_name), ''), nullif(btrim(a.family_name), '')), ''),
                                     'Aidant ou aidante'),
                    'structure', s.name) AS use
             FROM bounds b
             JOIN delegations dl ON dl.created_at >= b.from_at AND dl.created_at < b.to_at
             JOIN citizens c ON c.id = dl.citizen_id AND c.email IS NOT NULL
             JOIN public_services ps ON ps.id = dl.public_service_id
             JOIN aides a ON a.id = dl.aide_id
             JOIN structures s ON s.id = dl.structure_id
         )
         INSERT INTO notifications (citizen_id, kind, dedup_key, payload)
         SELECT citizen_id, $2::text, $2::text || ':' || mandate_id || ':' || day,
                jsonb_build_object('mandateId', mandate_id, 'day', day,
                                   'uses', jsonb_agg(use ORDER BY created_at, id))
           FROM uses
          GROUP BY citizen_id, mandate_id, day
         ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
         RETURNING id`,
      [day, NotificationKind.CitizenMandateUsed, PROCEDURE_AREA_LABELS],
    );
    return { day, queued: inserted.length };
  }

  /**
   * One email per mandate ending within ENDING_NOTICE_DAYS of `now` and still in force (active,
   * at least one area usable now: not revoked nor replaced), with the areas still in force.
   * Mandates that last no longer than the notice period (one day) get none. Dedup key
   * `citizen_mandate_ends_soon:<mandate id>`: once per mandate, however many runs see it.
   */
  async queueEndingNotices(now = new Date()): Promise<number> {
    const usable = AREA_USABLE_SQL.replaceAll(':now', '$1');
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `WITH due AS (
         SELECT m.id, m.citizen_id, m.expires_at, s.name AS structure_name, s.address AS structure_address,
                (SELECT jsonb_agg(${areaLabel('p.area', '$4')} ORDER BY array_position(m.areas, p.area))
                   FROM mandate_procedures p WHERE p.mandate_id = m.id AND ${usable}) AS areas
           FROM mandates m
           JOIN structures s ON s.id = m.structure_id
           JOIN citizens c ON c.id = m.citizen_id AND c.email IS NOT NULL
          WHERE m.status = $3 AND m.expires_at > $1::timestamptz
            AND m.expires_at <= $1::timestamptz + make_interval(days => $5)
            AND m.starts_at < m.expires_at - make_interval(days => $5)
       )
       INSERT INTO notifications (citizen_id, kind, dedup_key, payload)
       SELECT citizen_id, $2::text, $2::text || ':' || id,
              jsonb_build_object('mandateId', id, 'structureName', structure_name,
                                 'structureAddress', structure_address, 'areas', areas,
                                 'expiresAt', ${isoUtc('expires_at')},
                                 'daysLeft', ceil(extract(epoch FROM expires_at - $1::timestamptz) / 86400)::int)
         FROM due WHERE areas IS NOT NULL
       ON CONFLICT (dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
       RETURNING id`,
      [now, NotificationKind.CitizenMandateEndsSoon, MandateStatus.Active, PROCEDURE_AREA_LABELS, ENDING_NOTICE_DAYS],
    );
    return rows.length;
  }
}
