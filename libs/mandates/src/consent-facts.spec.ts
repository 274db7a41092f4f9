import type { Aide } from '@relais/aides';
import type { Structure } from '@relais/structures';

import { aideDisplayName, consentFacts, consentFactsDigest } from './consent-facts.js';
import type { Citizen } from './entities/citizen.entity.js';
import type { Mandate } from './entities/mandate.entity.js';
import { MandateDuration } from './enums/mandate-duration.enum.js';

const aide = (givenName: string | null, familyName: string | null) =>
  ({ givenName, familyName, email: 'jean@example.fr' }) as Aide;

const parties = {
  mandate: { areas: ['housing', 'family'], duration: MandateDuration.OneMonth } as Mandate,
  structure: { name: 'France Services de Vire', siret: '13002526500013', address: '1 rue X, 14500 Vire' } as Structure,
  aide: aide('Jean', null),
  citizen: { givenName: 'Élodie', familyName: 'Dupont-Léger', birthdate: '1984-07-14' } as Citizen,
};
const now = new Date('2026-12-01T09:00:00.000Z');

describe('aideDisplayName', () => {
  it('gives the names an aide gave, and nothing else', () => {
    expect(aideDisplayName(aide('Jean', null))).toBe('Jean');
    expect(aideDisplayName(aide(null, 'Martin'))).toBe('Martin');
    expect(aideDisplayName(aide('Jean', 'Martin'))).toBe('Jean Martin');
  });

  it('falls back to the email address when the aide gave no name', () => {
    expect(aideDisplayName(aide(null, null))).toBe('jean@example.fr');
    expect(aideDisplayName(aide(' ', ''))).toBe('jean@example.fr');
  });
});

describe('consentFacts', () => {
  it('names the aide in the facts and in the text alike', () => {
    const facts = consentFacts(parties, now, '2026-12-v2');
    expect(facts.aide).toEqual({ name: 'Jean' });
    expect(facts.text.paragraphs).toContain(
      'La personne qui m’aide aujourd’hui est Jean. D’autres aidants formés de France Services de Vire peuvent aussi m’aider.',
    );
  });

  it('holds from when to when, the areas in the mandate’s order, and the version asked for', () => {
    const facts = consentFacts(parties, now, '2026-11-v1');
    expect(facts).toMatchObject({
      startsAt: '2026-12-01T09:00:00.000Z',
      expiresAt: '2027-01-01T09:00:00.000Z',
      areas: [
        { code: 'housing', label: expect.any(String) },
        { code: 'family', label: expect.any(String) },
      ],
      duration: { code: 'one_month', label: '1 mois' },
      citizen: { name: 'Élodie Dupont-Léger', birthdate: '1984-07-14' },
      text: { version: '2026-11-v1' },
    });
  });

  it('digests the facts, whatever the order of their keys, and changes with any word', () => {
    const facts = consentFacts(parties, now, '2026-12-v2');
    const reordered = Object.fromEntries(Object.entries(facts).reverse()) as typeof facts;
    expect(consentFactsDigest(reordered)).toBe(consentFactsDigest(facts));
    expect(consentFactsDigest({ ...facts, aide: { name: 'Jeanne' } })).not.toBe(consentFactsDigest(facts));
  });
});
