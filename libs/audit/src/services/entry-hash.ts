import { hash } from 'node:crypto';

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
 * RFC 8785 JSON of a value parsed from JSON (jsonb): keys sorted by UTF-16 code units (the
 * default sort), strings and numbers as JSON.stringify writes them (ECMAScript serialisation,
 * which RFC 8785 adopts). Same output as json-canonicalize for such values (a spec checks it),
 * without its per-property path strings and cycle tracking, which cost a third of verification.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + canonicalJson(value[i]);
    return out + ']';
  }
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    out += (i === 0 ? '' : ',') + JSON.stringify(keys[i]) + ':' + canonicalJson(object[keys[i]]);
  }
  return out + '}';
}

/**
 * The documented canonical form of an entry: RFC 8785 JSON of its snake_case fields. The fixed
 * top-level keys are written in RFC 8785 order by hand (this is the verification hot path); the
 * free-form details go through canonicalJson. A spec checks both agree with json-canonicalize.
 */
export function canonicalEntry(entry: ChainedEntry): string {
  return (
    `{"action":${text(entry.action)},"actor_id":${text(entry.actorId)},"actor_type":${text(entry.actorType)}` +
    `,"citizen_id":${text(entry.citizenId)},"details":${canonicalJson(entry.details)}` +
    `,"event_id":${text(entry.eventId)},"mandate_id":${text(entry.mandateId)}` +
    `,"occurred_at":${text(entry.occurredAt)},"prev_hash":${text(entry.prevHash)},"seq":${text(entry.seq)}` +
    `,"structure_id":${text(entry.structureId)}}`
  );
}

/** SHA-256 (hex) of the canonical form; prev_hash is inside it, which makes the chain. */
export function entryHash(entry: ChainedEntry): string {
  return hash('sha256', canonicalEntry(entry), 'hex');
}
