import { createHash } from 'node:crypto';

import { canonicalize } from 'json-canonicalize';

/** prev_hash of the first journal entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a journal entry that the hash covers, as they are stored. */
export interface ChainedEntry {
  seq: string;
  eventId: string;
  /** ISO-8601 UTC with milliseconds, as OCCURRED_AT_ISO selects it. */
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  structureId: string | null;
  citizenId: string | null;
  mandateId: string | null;
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
}

/** Selects occurred_at already in the canonical text form (no Date parsing on hot paths). */
export const OCCURRED_AT_ISO = `to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at`;

const text = (value: string | null) => (value === null ? 'null' : JSON.stringify(value));

/**
 * The documented canonical form of an entry: RFC 8785 JSON of its snake_case fields. The fixed
 * top-level keys are written in RFC 8785 order by hand (this is the verification hot path); the
 * free-form details go through json-canonicalize. A spec checks both agree for any entry.
 */
export function canonicalEntry(entry: ChainedEntry): string {
  return (
    `{"action":${text(entry.action)},"actor_id":${text(entry.actorId)},"actor_type":${text(entry.actorType)}` +
    `,"citizen_id":${text(entry.citizenId)},"details":${canonicalize(entry.details)}` +
    `,"event_id":${text(entry.eventId)},"mandate_id":${text(entry.mandateId)}` +
    `,"occurred_at":${text(entry.occurredAt)},"prev_hash":${text(entry.prevHash)},"seq":${text(entry.seq)}` +
    `,"structure_id":${text(entry.structureId)}}`
  );
}

/** SHA-256 (hex) of the canonical form; prev_hash is inside it, which makes the chain. */
export function entryHash(entry: ChainedEntry): string {
  return createHash('sha256').update(canonicalEntry(entry)).digest('hex');
}
