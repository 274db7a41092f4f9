import { consentText, consentTextDigest, consentTextVersionAt, type ConsentTerms } from './consent-text.js';

const terms: ConsentTerms = {
  citizenName: 'Élodie Dupont-Léger',
  structureName: 'France Services de Vire',
  aideName: 'Jean',
  areaLabels: ['Logement', 'Famille'],
  durationLabel: '6 mois',
  startsAt: new Date('2026-12-01T09:00:00Z'),
  expiresAt: new Date('2027-06-01T09:00:00Z'),
};

describe('consentTextVersionAt', () => {
  it('gives version 1 until version 2 is published at midnight, Paris time, on 1 December 2026', () => {
    expect(consentTextVersionAt(new Date('2026-11-30T22:59:59.999Z'))).toBe('2026-11-v1');
    expect(consentTextVersionAt(new Date('2026-11-30T23:00:00.000Z'))).toBe('2026-12-v2');
  });

  it('refuses an instant before any text was published', () => {
    expect(() => consentTextVersionAt(new Date('2020-01-01T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('consentText', () => {
  it('keeps the words of version 1 as published (Intl’s "1 juin 2027", plain spaces)', () => {
    const { paragraphs } = consentText(terms, '2026-11-v1');
    expect(paragraphs[4]).toBe('Mon accord dure 6 mois, jusqu’au 1 juin 2027.');
    expect(paragraphs[4]).toBe(
      `Mon accord dure 6 mois, jusqu’au ${terms.expiresAt.toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'Europe/Paris' })}.`,
    );
  });

  it('says from when and until when in version 2', () => {
    const { paragraphs } = consentText(terms, '2026-12-v2');
    expect(paragraphs[4]).toBe(
      'Mon accord commence le 1er\u00a0décembre 2026. Il dure 6 mois, jusqu’au 1er\u00a0juin 2027.',
    );
  });

  it('names the aide as given, with no trailing space or email', () => {
    expect(consentText(terms, '2026-12-v2').paragraphs[2]).toMatch(/^La personne qui m’aide aujourd’hui est Jean\. /);
  });

  it('refuses a version that never existed', () => {
    expect(() => consentText(terms, '1999-01-v0')).toThrow(/unknown consent text version/);
  });

  it('digests different words differently', () => {
    expect(consentTextDigest(consentText(terms, '2026-11-v1'))).not.toBe(
      consentTextDigest(consentText(terms, '2026-12-v2')),
    );
  });
});
