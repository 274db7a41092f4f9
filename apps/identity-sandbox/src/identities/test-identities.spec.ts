import { birthInFrench, findIdentityByKey, TEST_IDENTITIES } from './test-identities.js';

describe('test identities', () => {
  it('given the identities, when their subs are compared, then each is unique and FranceConnect-shaped', () => {
    const subs = TEST_IDENTITIES.map((identity) => identity.claims.sub);

    expect(new Set(subs).size).toBe(subs.length);
    for (const sub of subs) expect(sub).toMatch(/^[0-9a-f]{64}v1$/);
  });

  it('given Marie-Thérèse, when her sub is read, then it is the same on every machine and every run', () => {
    expect(findIdentityByKey('marie-therese')!.claims.sub).toBe(
      '10dc4f102e108b4293361d630343c152a41fe8961d5593807441d34ac93f6ea8v1',
    );
  });

  it('given every identity, when its claims are checked, then they follow the FranceConnect formats', () => {
    for (const { claims } of TEST_IDENTITIES) {
      expect(claims.birthdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(['male', 'female']).toContain(claims.gender);
      expect(claims.birthcountry).toMatch(/^99\d{3}$/);
      expect(claims.birthplace).toMatch(claims.birthcountry === '99100' ? /^\d[0-9AB]\d{3}$/ : /^$/);
    }
  });

  it('given a citizen born abroad with an unknown day and month, when the page describes her birth, then it says so in French', () => {
    expect(birthInFrench(findIdentityByKey('aminata')!)).toBe('Née en 1985 à l’étranger : Sénégal (pays 99341)');
    expect(birthInFrench(findIdentityByKey('marie-therese')!)).toBe(
      'Née le 17 mars 1948 à Paris 12e Arrondissement (commune 75112)',
    );
  });
});
