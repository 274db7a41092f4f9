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
    expect(email.text).toContain('arrivé à échéance le 15 février 2026.');
    expect(email.text).toContain('https://relais.example.fr/mandats/m-1');
  });

  it('tells the citizen their mandate was revoked for some procedures only, when it was', () => {
    const email = renderEmail(
      NotificationKind.CitizenMandateRevoked,
      { mandateId: 'm-1', endedAt: '2026-02-14T10:00:00Z', whole: false },
      context,
    );
    expect(email.text).toContain('révoqué pour certaines démarches le 14 février 2026');
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
