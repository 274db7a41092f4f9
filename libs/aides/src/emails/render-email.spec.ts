import { NotificationKind } from '../enums/notification-kind.enum.js';
import { renderEmail } from './render-email.js';

const context = { baseUrl: 'https://relais.example.fr' };

describe('renderEmail', () => {
  it('warns of the deactivation in French, with its date and the login address', () => {
    // Given a warning whose deactivation is on 15 February 2026 (Paris time)
    const payload = { deactivationFrom: '2026-02-15T10:00:00+00:00' };
    // When it is rendered
    const email = renderEmail(NotificationKind.DormancyWarning, payload, context);
    // Then
    expect(email.subject).toBe('Votre compte Relais va être désactivé');
    expect(email.text).toContain('Votre compte Relais sera désactivé dans un mois si vous ne vous connectez pas.');
    expect(email.text).toContain('Date de désactivation : le 15\u00a0février 2026.');
    expect(email.text).toContain('connectez-vous avant cette date :\nhttps://relais.example.fr/connexion\n');
  });

  it('gives the date in Paris time, not UTC', () => {
    const email = renderEmail(NotificationKind.DormancyWarning, { deactivationFrom: '2026-02-14T23:30:00Z' }, context);
    expect(email.text).toContain('le 15\u00a0février 2026.');
  });

  it('still warns, without a date, when the payload has none', () => {
    const email = renderEmail(NotificationKind.DormancyWarning, {}, context);
    expect(email.text).not.toContain('Date de désactivation');
    expect(email.text).toContain('connectez-vous :\nhttps://relais.example.fr/connexion\n');
  });

  it('tells a deactivated aide what happened and to ask the supervisor', () => {
    const email = renderEmail(NotificationKind.DeactivatedForDormancy, {}, context);
    expect(email.subject).toBe('Votre compte Relais est désactivé');
    expect(email.text).toContain('Vous ne pouvez plus vous connecter à Relais.');
    expect(email.text).toContain('Demandez à la personne responsable de Relais dans votre structure.');
  });

  it('tells the aide a mandate ended, with the date and a link to renew it', () => {
    const email = renderEmail(
      NotificationKind.MandateExpired,
      { mandateId: 'm-1', endedAt: '2026-02-14T23:30:00Z' },
      context,
    );
    expect(email.subject).toBe('Un mandat de votre structure est arrivé à échéance');
    expect(email.text).toContain('arrivé à échéance le 15\u00a0février 2026.');
    expect(email.text).toContain('https://relais.example.fr/mandats/m-1');
  });

  it('tells the citizen some procedures were withdrawn, when only some were', () => {
    const email = renderEmail(
      NotificationKind.CitizenMandateRevoked,
      { mandateId: 'm-1', endedAt: '2026-02-14T10:00:00Z', whole: false },
      context,
    );
    expect(email.subject).toBe('Des démarches sont retirées de votre mandat Relais');
    expect(email.text).toContain('Des démarches sont retirées de votre mandat depuis le 14\u00a0février 2026.');
    expect(email.text).toContain('Les autres démarches du mandat continuent.');
  });

  describe('who stopped a mandate', () => {
    const revoked = (by?: string) =>
      renderEmail(
        NotificationKind.CitizenMandateRevoked,
        { mandateId: 'm-1', endedAt: '2026-02-14T10:00:00Z', whole: true, by, structureName: 'France Services Vire' },
        context,
      );

    it('tells the citizen they did it themself in the portal', () => {
      const email = revoked('citizen');
      expect(email.subject).toBe('Votre mandat Relais est arrêté');
      expect(email.text).toContain("Vous l'avez fait vous-même, sur le portail Relais.");
      expect(email.text).not.toContain('comme vous l');
    });

    it('tells the citizen an aide of the named structure did it with them, at the counter', () => {
      const email = revoked('aide');
      expect(email.text).toContain("Un aidant de la structure France Services Vire l'a fait avec vous, à l'accueil.");
      expect(email.text).not.toContain('vous-même');
    });

    it('names no one for another cause (or an older email without it)', () => {
      const email = revoked(undefined);
      expect(email.text).toContain('Votre mandat est arrêté depuis le 14\u00a0février 2026.\nPersonne ne peut plus');
    });

    it('tells the supervisors whether the citizen or a member of the structure did it', () => {
      const supervisors = (by: string) =>
        renderEmail(
          NotificationKind.MandateRevoked,
          { mandateId: 'm-1', endedAt: '2026-02-14T10:00:00Z', by },
          context,
        );
      expect(supervisors('citizen').text).toContain("La personne aidée l'a fait elle-même, sur le portail Relais.");
      expect(supervisors('aide').text).toContain("Un membre de votre structure l'a fait, avec la personne aidée.");
      expect(supervisors('citizen').text).not.toContain('à la demande de la personne aidée');
    });
  });

  it('tells the citizen what they agreed to, with the attestation code and the addresses', () => {
    const email = renderEmail(
      NotificationKind.CitizenMandateCreated,
      {
        mandateId: 'm-1',
        structureName: 'France Services Vire',
        structureAddress: '12 rue de la Gare, 14500 Vire',
        areas: ['Papiers (identité, titres de séjour)', 'Argent (impôts, banque)'],
        startsAt: '2026-12-01T09:05:00.000Z',
        expiresAt: '2027-06-01T09:05:00.000Z',
        attestationCode: 'K7F3-9QX2-MA4T-7RBC',
      },
      context,
    );
    expect(email.subject).toBe('Vous avez donné un mandat');
    expect(email.text).toContain('La structure :\nFrance Services Vire, 12 rue de la Gare, 14500 Vire\n');
    expect(email.text).toContain('- Papiers (identité, titres de séjour)\n- Argent (impôts, banque)\n');
    expect(email.text).toContain("Il dure jusqu'au 1er\u00a0juin 2027 à 11\u00a0h\u00a005 (heure de Paris).");
    expect(email.text).toContain('Le code de votre attestation : K7F3-9QX2-MA4T-7RBC');
    expect(email.text).toContain('https://relais.example.fr/verify/K7F3-9QX2-MA4T-7RBC');
    expect(email.text).toContain('https://relais.example.fr/usager');
  });

  it('lists the uses of one day in Paris time, and counts those it does not list', () => {
    const use = (at: string) => ({
      at,
      publicService: 'Caisse d’allocations familiales',
      area: 'Argent (impôts, banque)',
      aide: 'Karim Benaïssa',
      structure: 'France Services Vire',
    });
    const email = renderEmail(
      NotificationKind.CitizenMandateUsed,
      { mandateId: 'm-1', day: '2026-12-01', uses: Array.from({ length: 22 }, () => use('2026-12-01T09:05:00.000Z')) },
      context,
    );
    expect(email.subject).toBe('Votre mandat a été utilisé le 1er\u00a0décembre 2026');
    expect(email.text).toContain('Le 1er\u00a0décembre 2026, des aidants ont fait 22 démarches pour vous.');
    expect(email.text).toContain(
      '- À 10\u00a0h\u00a005 : Caisse d’allocations familiales.\n  Démarche : Argent (impôts, banque).\n  Par : Karim Benaïssa, France Services Vire.',
    );
    expect(email.text.match(/- À /g)).toHaveLength(20);
    expect(email.text).toContain('Et 2 autres démarches.');
    const one = renderEmail(
      NotificationKind.CitizenMandateUsed,
      { mandateId: 'm-1', day: '2026-12-01', uses: [use('2026-12-01T09:05:00.000Z')] },
      context,
    );
    expect(one.text).toContain('un aidant a fait une démarche pour vous.\nIl a utilisé votre mandat.');
  });

  it('warns the citizen of the end, and says how to renew or to stop earlier', () => {
    const email = renderEmail(
      NotificationKind.CitizenMandateEndsSoon,
      {
        mandateId: 'm-1',
        structureName: 'France Services Vire',
        structureAddress: '12 rue de la Gare, 14500 Vire',
        areas: ['Argent (impôts, banque)'],
        expiresAt: '2026-12-08T09:05:00.000Z',
        daysLeft: 7,
      },
      context,
    );
    expect(email.subject).toBe('Votre mandat se termine dans 7 jours');
    expect(email.text).toContain('Votre mandat se termine dans 7 jours.\n');
    expect(email.text).toContain("Il s'arrête le 8\u00a0décembre 2026, à 10\u00a0h\u00a005 (heure de Paris).");
    expect(email.text).toContain('Retournez voir la structure avant la fin du mandat.');
    expect(email.text).toContain(
      'Vous pouvez le faire vous-même, avec FranceConnect :\nhttps://relais.example.fr/usager',
    );
  });

  it('invites a person with the set-up link, or asks them to log in when they have an account', () => {
    const withLink = renderEmail(
      NotificationKind.AideInvited,
      {
        structureName: 'France Services Belleville',
        role: 'supervisor',
        token: 'abc',
        expiresAt: '2026-02-14T10:00:00Z',
      },
      context,
    );
    expect(withLink.text).toContain('à la structure « France Services Belleville » sur Relais, comme responsable');
    expect(withLink.text).toContain(
      'ouvrez ce lien avant le 14\u00a0février 2026 à 11\u00a0h\u00a000 :\nhttps://relais.example.fr/invitation/abc\n',
    );
    const account = renderEmail(NotificationKind.AideInvited, { role: 'aide' }, context);
    expect(account.text).toContain('Vous avez déjà un compte Relais. Connectez-vous');
    expect(account.text).not.toContain('/invitation/');
  });

  it('asks the applicant for changes with the operator’s words and the single-use link', () => {
    const email = renderEmail(
      NotificationKind.StructureRequestChangesRequested,
      { structureName: 'Médiathèque', message: 'Ajoutez le code postal.', token: 'tok' },
      context,
    );
    expect(email.subject).toBe('Relais : votre demande est à modifier');
    expect(email.text).toContain("Ce que l'équipe vous demande :\nAjoutez le code postal.\n");
    expect(email.text).toContain('https://relais.example.fr/rejoindre/demande/tok\n');
    expect(email.text).toContain('Il sert une seule fois');
  });

  it('has an email for every kind, signed and marked as automatic', () => {
    for (const kind of Object.values(NotificationKind)) {
      const email = renderEmail(kind, {}, context);
      expect(email.subject).toMatch(/Relais|mandat/);
      expect(email.text).toMatch(/^Bonjour,\n/);
      expect(email.text).toContain("L'équipe Relais\n\nCe message est envoyé automatiquement.");
    }
  });

  it('refuses a kind it does not know rather than sending an empty email', () => {
    expect(() => renderEmail('unknown' as NotificationKind, {}, context)).toThrow(
      'No email for notification kind "unknown"',
    );
  });
});
