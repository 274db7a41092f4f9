import { accountView, birthdateInFrench } from './account-view.js';

describe('accountView', () => {
  it('given a delegated login from Relais, when the page is built, then the citizen, the acting aide, the mandate and the login are labelled rows', () => {
    const view = accountView({
      idToken: 'header.payload.signature',
      idTokenClaims: {
        iss: 'http://localhost:3000/oidc',
        sub: 'pairwise-sub',
        aud: 'demo',
        acr: 'relais-delegation',
        amr: ['pwd', 'otp'],
        act: {
          sub: 'aide-uuid',
          given_name: 'Camille',
          family_name: 'Martin',
          siret: '12345678900012',
          structure_name: 'France Services de Lyon',
          badge: { level: 2 },
        },
        mandate_id: 'mandate-uuid',
        procedure_area: 'papers',
      },
      userinfo: {
        sub: 'pairwise-sub',
        given_name: 'Jeanne Louise',
        family_name: 'Martin',
        preferred_username: 'Dupont',
        birthdate: '1956-06-01',
        gender: 'female',
        birthplace: '69123',
        birthcountry: '99100',
      },
    });

    expect(view.citizen).toEqual([
      { label: 'Prénoms', value: 'Jeanne Louise' },
      { label: 'Nom de naissance', value: 'Martin' },
      { label: 'Nom d’usage', value: 'Dupont' },
      { label: 'Date de naissance', value: '1er juin 1956' },
      { label: 'Sexe', value: 'féminin' },
      { label: 'Commune de naissance (code INSEE)', value: '69123', code: true },
      { label: 'Pays de naissance (code INSEE)', value: '99100', code: true },
    ]);
    expect(view.actor).toEqual([
      { label: 'Identifiant de l’aidant (sub)', value: 'aide-uuid', code: true },
      { label: 'Prénom', value: 'Camille', code: false },
      { label: 'Nom', value: 'Martin', code: false },
      { label: 'SIRET de la structure', value: '12345678900012', code: true },
      { label: 'Structure', value: 'France Services de Lyon', code: false },
      { label: 'badge', value: '{"level":2}', code: true },
    ]);
    expect(view.delegation).toEqual([
      { label: 'Démarche (procedure_area)', value: 'Papiers et citoyenneté (papers)' },
      { label: 'Mandat (mandate_id)', value: 'mandate-uuid', code: true },
    ]);
    expect(view.login).toEqual([
      { label: 'Identifiant de l’usager pour ce service (sub)', value: 'pairwise-sub', code: true },
      { label: 'Niveau de garantie (acr)', value: 'relais-delegation', code: true },
      { label: 'Méthodes d’authentification (amr)', value: 'pwd, otp', code: true },
      { label: 'Émetteur (iss)', value: 'http://localhost:3000/oidc', code: true },
    ]);
    expect(JSON.parse(view.rawIdToken)).toMatchObject({ mandate_id: 'mandate-uuid' });
  });

  it('given a provider that sends no act, mandate nor area, when the page is built, then no aide row is made and the others say « non transmis »', () => {
    const view = accountView({ idToken: 'x', idTokenClaims: { sub: 's', iss: 'i' }, userinfo: { sub: 's' } });

    expect(view.actor).toEqual([]);
    expect(view.delegation.map((row) => row.value)).toEqual(['non transmis', 'non transmis']);
    expect(view.citizen.find((row) => row.label === 'Nom d’usage')).toBeUndefined();
    expect(view.citizen[0]).toEqual({ label: 'Prénoms', value: 'non transmis' });
  });

  it('given an unknown area code and a non-object act, when the page is built, then they are shown as received', () => {
    const view = accountView({
      idToken: 'x',
      idTokenClaims: { sub: 's', act: 'aide-42', procedure_area: 'space' },
      userinfo: { sub: 's' },
    });

    expect(view.actor).toEqual([{ label: 'Valeur', value: 'aide-42', code: true }]);
    expect(view.delegation[0].value).toBe('space');
  });
});

describe('birthdateInFrench', () => {
  it.each([
    ['1948-03-17', '17 mars 1948'],
    ['1956-06-01', '1er juin 1956'],
    ['1985-07-00', 'juillet 1985'],
    ['1985-00-00', '1985'],
    ['not a date', 'not a date'],
  ])('given %s, then %s', (birthdate, expected) => {
    expect(birthdateInFrench(birthdate)).toBe(expected);
  });
});
