import { canonicalize } from 'json-canonicalize';

import { canonicalEntry, canonicalJson, type ChainedEntry, entryHash, GENESIS_HASH } from './entry-hash.js';

const entry = (overrides: Partial<ChainedEntry> = {}): ChainedEntry => ({
  seq: '42',
  eventId: '1042',
  occurredAt: '2026-11-24T15:04:05.678Z',
  actorType: 'aide',
  actorId: 'a1b2',
  structureId: '7d9f4a4e-2f41-4c5e-9d8e-0b6f3b1f0a11',
  citizenId: null,
  mandateId: null,
  action: 'mandate.created',
  details: { areas: ['papers', 'money'], nested: { z: 1, a: [true, null, 1.5] } },
  prevHash: GENESIS_HASH,
  ...overrides,
});

const reference = (e: ChainedEntry) =>
  canonicalize({
    seq: e.seq,
    event_id: e.eventId,
    occurred_at: e.occurredAt,
    actor_type: e.actorType,
    actor_id: e.actorId,
    structure_id: e.structureId,
    citizen_id: e.citizenId,
    mandate_id: e.mandateId,
    action: e.action,
    details: e.details,
    prev_hash: e.prevHash,
  });

describe('canonicalEntry', () => {
  it.each([
    ['a typical entry', entry()],
    ['quotes, backslashes and control characters', entry({ actorId: 'a"b\\c\n\u0001', action: 'x\u2028y' })],
    ['accents and emoji in details', entry({ details: { é: 'Zoé Lefèvre-Ndiaye', '😀': '\ud83d\ude00', '1': 1e21 } })],
    ['every identifier null and empty details', entry({ actorId: null, structureId: null, details: {} })],
  ])('writes the same RFC 8785 text as json-canonicalize for %s', (_label, value) => {
    expect(canonicalEntry(value)).toBe(reference(value));
  });

  it('changes the hash when any field changes', () => {
    const base = entryHash(entry());
    expect(entryHash(entry({ seq: '43' }))).not.toBe(base);
    expect(entryHash(entry({ details: { areas: ['papers'] } }))).not.toBe(base);
    expect(entryHash(entry({ prevHash: 'f'.repeat(64) }))).not.toBe(base);
    expect(entryHash(entry())).toBe(base);
  });
});

describe('canonicalJson', () => {
  it.each([
    ['keys in UTF-16 order', { b: 1, B: 2, a: 3, é: 4, '10': 5, '9': 6, '😀': 7, '\uffff': 8, '': 9 }],
    ['numbers as ECMAScript writes them', { n: [-0, 1e-7, 0.1 + 0.2, 1e21, 123456789012345680000, -1.5] }],
    ['nested arrays and objects', [{ z: [[], {}], a: { y: null, x: [true, false, 'a"b\\c\u0001\u2028'] } }]],
    ['a bare string', 'texte libre'],
  ])('writes the same text as json-canonicalize for %s', (_label, value) => {
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalize(JSON.parse(JSON.stringify(value))));
  });
});
