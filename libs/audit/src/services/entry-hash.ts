import { createHash } from 'node:crypto';

import { canonicalize } from 'json-canonicalize';

/** prev_hash of the first journal entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of a journal entry that the hash covers, as they are stored. */
export interface ChainedEntry {
  seq: string;
  eventId: string;
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  structureId: string | null;
  citizenId: string | null;
  mandateId: string | null;
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
}

/**
 * The documented canonical form of an entry (RFC 8785 JSON, snake_case keys, ISO-8601 UTC time
 * with milliseconds); anyone can recompute the chain offline from an export with it.
 */
export function canonicalEntry(entry: ChainedEntry): string {
  return canonicalize({
    seq: entry.seq,
    event_id: entry.eventId,
    occurred_at: entry.occurredAt.toISOString(),
    actor_type: entry.actorType,
    actor_id: entry.actorId,
    structure_id: entry.structureId,
    citizen_id: entry.citizenId,
    mandate_id: entry.mandateId,
    action: entry.action,
    details: entry.details,
    prev_hash: entry.prevHash,
  });
}

/** SHA-256 (hex) of the canonical form; prev_hash is inside it, which makes the chain. */
export function entryHash(entry: ChainedEntry): string {
  return createHash('sha256').update(canonicalEntry(entry)).digest('hex');
}
