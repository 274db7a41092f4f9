import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole, NotificationSender, SecretBox } from '@relais/aides';
import { loadConfig } from '@relais/config';
import {
  AttestationsService,
  CitizenNotices,
  ConsentChannel,
  ConsentService,
  MandateDuration,
  MandateRequests,
  RevocationNotices,
  RevocationService,
} from '@relais/mandates';
import { CitizenRevocation } from '@relais/portal';
import type { PublicService } from '@relais/public-services';
import { ProcedureArea } from '@relais/structures';
import {
  createTestEnvironment,
  readPdf,
  startTestSmtpServer,
  type ReceivedEmail,
  type TestEnvironment,
  type TestSmtpServer,
} from '@relais/testing';
import { DataSource } from 'typeorm';

import { createMember, createStructure, startConsole } from './console-helpers.js';
import { franceConnectIdentity } from './franceconnect-identity.js';
import { delegatedLogin, publicService } from './portal-helpers.js';

const BASE = 'https://relais.example.fr';
const DAY = 24 * 3600_000;
/** Dates in emails keep words together with no-break spaces; the tests read words. */
const plain = (text: string) => text.replace(/\u00a0/g, ' ');

/**
 * The citizen's emails, end to end against PostgreSQL and a real SMTP server: queued by the
 * consent, the daily jobs' services and the revocation follow-up, then delivered by the
 * NotificationSender the worker runs.
 */
describe('citizen notifications: what the citizen receives by email', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let db: DataSource;
  let smtp: TestSmtpServer;
  let sender: NotificationSender;
  let notices: CitizenNotices;
  let structureId: string;
  let aideId: string;
  let supervisorEmail: string;
  let service: PublicService;
  let people = 0;

  /** A six-month mandate consented now by a new citizen (with an email address unless `email: null`). */
  async function consented(areas: ProcedureArea[], email: string | null = `usager${(people += 1)}@example.fr`) {
    const { mandate } = await app.get(MandateRequests).request({
      structureId,
      aideId,
      areas,
      duration: MandateDuration.SixMonths,
      channel: ConsentChannel.SameDevice,
    });
    const identity = franceConnectIdentity({ sub: `notices-${(people += 1)}`, givenName: 'Marie', email });
    const citizen = await app.get(MandateRequests).identify(mandate.id, identity);
    const consents = app.get(ConsentService);
    const page = await consents.page(mandate.id, citizen.id);
    const outcome = await consents.consent({
      mandateId: mandate.id,
      citizenId: citizen.id,
      textVersion: page.text.version,
      textDigest: page.textDigest,
      identification: identity,
    });
    if (outcome === 'text_changed') throw new Error('consent text changed');
    return { mandateId: mandate.id, citizenId: citizen.id, email, attestationCode: outcome.attestation.code };
  }

  /** Delivers what is pending, and returns what this address received. */
  async function deliveredTo(email: string | null): Promise<ReceivedEmail[]> {
    await sender.sendPending(new Date(Date.now() + 1));
    return smtp.received.filter((received) => email !== null && received.to.includes(email));
  }

  const pendingFor = async (citizenId: string, kind: string) =>
    (
      await db.query('SELECT count(*)::int AS n FROM notifications WHERE citizen_id = $1 AND kind = $2', [
        citizenId,
        kind,
      ])
    )[0].n as number;

  /** A real delegated login (the opener and its rule), then dated at `at` for the day being tested. */
  async function usedAt(mandate: { citizenId: string }, area: ProcedureArea, at: Date) {
    const delegation = await delegatedLogin(app, { structureId, aideId }, service, {
      citizenId: mandate.citizenId,
      area,
    });
    await db.query('UPDATE delegations SET created_at = $2 WHERE id = $1', [delegation.id, at]);
  }

  /** The mandate's propagation job's second half, as the worker runs it after a revocation. */
  async function revocationFollowUp(mandateId: string) {
    const [row] = await db.query(
      `SELECT max(p.revoked_at) AS revoked_at, m.status = 'revoked' AS whole
         FROM mandate_procedures p JOIN mandates m ON m.id = p.mandate_id
        WHERE p.mandate_id = $1 GROUP BY m.status`,
      [mandateId],
    );
    return app
      .get(RevocationNotices)
      .queue({ mandateId, revokedAt: new Date(row.revoked_at).toISOString(), whole: row.whole });
  }

  beforeAll(async () => {
    env = await createTestEnvironment();
    smtp = await startTestSmtpServer();
    app = await startConsole();
    db = app.get(DataSource);
    notices = app.get(CitizenNotices);
    sender = new NotificationSender(
      db,
      loadConfig({ ...process.env, SMTP_URL: smtp.url, ISSUER: BASE }),
      app.get(SecretBox),
    );
    structureId = await createStructure(app, 'France Services de Belleville');
    await db.query("UPDATE structures SET address = '12 rue de Belleville, 75020 Paris' WHERE id = $1", [structureId]);
    aideId = (await createMember(app, structureId, 'karim.notices@example.fr')).aideId;
    await db.query("UPDATE aides SET given_name = 'Karim', family_name = 'Benaïssa' WHERE id = $1", [aideId]);
    supervisorEmail = 'responsable.notices@example.fr';
    await createMember(app, structureId, supervisorEmail, MembershipRole.Supervisor);
    service = await publicService(app, 'Caisse d’allocations familiales', ['papers', 'money']);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await smtp?.close();
    await env?.dispose();
  });

  describe('mandate created', () => {
    it('given a citizen with an address, when they consent, then they get the structure, the areas, the end and the attestation code', async () => {
      const mandate = await consented([ProcedureArea.Papers, ProcedureArea.Money]);

      const [mail, ...others] = await deliveredTo(mandate.email);

      expect(others).toEqual([]);
      expect(mail.subject).toBe('Vous avez donné un mandat');
      const text = plain(mail.text);
      expect(text).toContain('La structure :\nFrance Services de Belleville, 12 rue de Belleville, 75020 Paris\n');
      expect(text).toMatch(/Les démarches :\n- Papiers[^\n]*\n- Argent[^\n]*\n/);
      const [{ expires_at: expiresAt }] = await db.query('SELECT expires_at FROM mandates WHERE id = $1', [
        mandate.mandateId,
      ]);
      const until = new Intl.DateTimeFormat('fr-FR', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'Europe/Paris',
      })
        .format(expiresAt)
        .replace(/^1 /, '1er ');
      expect(text).toContain(`Il dure jusqu'au ${until} à `);
      expect(text).toContain(`Le code de votre attestation : ${mandate.attestationCode}`);
      expect(text).toContain(`${BASE}/verify/${mandate.attestationCode}`);
      expect(text).toContain(`${BASE}/usager`);
    });

    it('is queued in the consent transaction, once, and not at all for a citizen FranceConnect gave no address', async () => {
      const withAddress = await consented([ProcedureArea.Papers]);
      const without = await consented([ProcedureArea.Papers], null);

      expect(await pendingFor(withAddress.citizenId, 'citizen_mandate_created')).toBe(1);
      expect(await pendingFor(without.citizenId, 'citizen_mandate_created')).toBe(0);
      const [{ dedup_key: key }] = await db.query(
        "SELECT dedup_key FROM notifications WHERE citizen_id = $1 AND kind = 'citizen_mandate_created'",
        [withAddress.citizenId],
      );
      expect(key).toBe(`citizen_mandate_created:${withAddress.mandateId}`);
    });
  });

  describe('daily digest of uses', () => {
    /** 07:00 in Paris on 2 December 2026: the digest of 1 December (Paris). */
    const morning = new Date('2026-12-02T06:00:00Z');

    it('lists the uses of the Paris day before, in Paris time, oldest first, and only those', async () => {
      // Given uses at 10:05 and 23:30 on 1 December (Paris), one at 23:30 the evening before, one at 00:10 the day after
      const mandate = await consented([ProcedureArea.Papers, ProcedureArea.Money]);
      await usedAt(mandate, ProcedureArea.Money, new Date('2026-12-01T22:30:00Z'));
      await usedAt(mandate, ProcedureArea.Papers, new Date('2026-12-01T09:05:00Z'));
      await usedAt(mandate, ProcedureArea.Papers, new Date('2026-11-30T22:30:00Z'));
      await usedAt(mandate, ProcedureArea.Papers, new Date('2026-12-01T23:10:00Z'));
      await deliveredTo(mandate.email); // the "created" email

      // When the daily job runs
      const run = await notices.queueUsesDigest(morning);

      // Then one email lists the two uses of 1 December
      expect(run.day).toBe('2026-12-01');
      const mails = (await deliveredTo(mandate.email)).filter((mail) =>
        mail.subject.startsWith('Votre mandat a été utilisé'),
      );
      expect(mails).toHaveLength(1);
      const text = plain(mails[0].text);
      expect(plain(mails[0].subject)).toBe('Votre mandat a été utilisé le 1er décembre 2026');
      expect(text).toContain('Le 1er décembre 2026, des aidants ont fait 2 démarches pour vous.');
      const first = text.indexOf('- À 10 h 05 : Caisse d’allocations familiales.\n  Démarche : Papiers');
      const second = text.indexOf('- À 23 h 30 : Caisse d’allocations familiales.\n  Démarche : Argent');
      expect(first).toBeGreaterThan(0);
      expect(second).toBeGreaterThan(first);
      expect(text).toContain('Par : Karim Benaïssa, France Services de Belleville.');
      expect(text.match(/- À /g)).toHaveLength(2);
      expect(text).toContain(`${BASE}/usager`);
    });

    it('is not queued twice for the same day, by a second run or a retried job', async () => {
      const mandate = await consented([ProcedureArea.Papers]);
      await usedAt(mandate, ProcedureArea.Papers, new Date('2026-12-01T09:05:00Z'));

      const runs = [await notices.queueUsesDigest(morning), await notices.queueUsesDigest(morning)];
      await Promise.all([notices.queueUsesDigest(morning), notices.queueUsesDigest(morning)]);

      expect(runs[1].queued).toBe(0);
      expect(await pendingFor(mandate.citizenId, 'citizen_mandate_used')).toBe(1);
      const mails = (await deliveredTo(mandate.email)).filter((mail) =>
        mail.subject.startsWith('Votre mandat a été utilisé'),
      );
      expect(mails).toHaveLength(1);
    });

    it('sends nothing for a mandate not used that day, nor to a citizen without an address', async () => {
      const unused = await consented([ProcedureArea.Papers]);
      const usedBefore = await consented([ProcedureArea.Papers]);
      await usedAt(usedBefore, ProcedureArea.Papers, new Date('2026-11-29T09:05:00Z'));
      const withoutAddress = await consented([ProcedureArea.Papers], null);
      await usedAt(withoutAddress, ProcedureArea.Papers, new Date('2026-12-01T09:05:00Z'));

      await notices.queueUsesDigest(morning);

      expect(await pendingFor(unused.citizenId, 'citizen_mandate_used')).toBe(0);
      expect(await pendingFor(usedBefore.citizenId, 'citizen_mandate_used')).toBe(0);
      expect(await pendingFor(withoutAddress.citizenId, 'citizen_mandate_used')).toBe(0);
    });

    it('the next morning digests the next day: one email per mandate and per day of uses', async () => {
      const mandate = await consented([ProcedureArea.Papers]);
      await usedAt(mandate, ProcedureArea.Papers, new Date('2026-12-01T09:05:00Z'));
      await usedAt(mandate, ProcedureArea.Papers, new Date('2026-12-02T09:05:00Z'));

      await notices.queueUsesDigest(morning);
      await notices.queueUsesDigest(new Date(morning.getTime() + DAY));

      const days = await db.query(
        "SELECT payload->>'day' AS day FROM notifications WHERE citizen_id = $1 AND kind = 'citizen_mandate_used' ORDER BY 1",
        [mandate.citizenId],
      );
      expect(days).toEqual([{ day: '2026-12-01' }, { day: '2026-12-02' }]);
    });
  });

  describe('revoked: the email says who stopped it', () => {
    it('given the citizen stopped it in the portal, then their email says they did, and the supervisors are told so', async () => {
      const mandate = await consented([ProcedureArea.Papers]);
      await app.get(CitizenRevocation).revoke(mandate.citizenId, mandate.mandateId);
      await revocationFollowUp(mandate.mandateId);

      const mail = (await deliveredTo(mandate.email)).find(
        (found) => found.subject === 'Votre mandat Relais est arrêté',
      );
      expect(mail).toBeDefined();
      expect(mail!.text).toContain("Vous l'avez fait vous-même, sur le portail Relais.");
      expect(mail!.text).not.toContain('comme vous l');
      expect(mail!.text).not.toContain("l'a fait avec vous, à l'accueil");
      const supervisors = smtp.received.filter(
        (found) => found.to.includes(supervisorEmail) && found.text.includes(`/mandats/${mandate.mandateId}`),
      );
      expect(supervisors).toHaveLength(1);
      expect(supervisors[0].text).toContain("La personne aidée l'a fait elle-même, sur le portail Relais.");
    });

    it('given an aide stopped one area at the counter, then the email names the structure and says some areas go on', async () => {
      const mandate = await consented([ProcedureArea.Papers, ProcedureArea.Money]);
      await app
        .get(RevocationService)
        .revoke({ structureId, aideId, mandateId: mandate.mandateId, area: ProcedureArea.Money });
      await revocationFollowUp(mandate.mandateId);

      const mail = (await deliveredTo(mandate.email)).find(
        (found) => found.subject === 'Des démarches sont retirées de votre mandat Relais',
      );
      expect(mail).toBeDefined();
      expect(mail!.text).toContain(
        "Un aidant de la structure France Services de Belleville l'a fait avec vous, à l'accueil.",
      );
      expect(mail!.text).toContain('Les autres démarches du mandat continuent.');
      expect(mail!.text).not.toContain('vous-même');
      const supervisors = smtp.received.filter(
        (found) => found.to.includes(supervisorEmail) && found.text.includes(`/mandats/${mandate.mandateId}`),
      );
      expect(supervisors[0].text).toContain("Un membre de votre structure l'a fait, avec la personne aidée.");
    });

    it('records who did it on the areas (revoked_by), and a retried follow-up queues nothing more', async () => {
      const byCitizen = await consented([ProcedureArea.Papers]);
      await app.get(CitizenRevocation).revoke(byCitizen.citizenId, byCitizen.mandateId);
      const byAide = await consented([ProcedureArea.Papers]);
      await app.get(RevocationService).revoke({ structureId, aideId, mandateId: byAide.mandateId });

      const rows = await db.query(
        'SELECT mandate_id, revoked_by, revoked_by_aide_id FROM mandate_procedures WHERE mandate_id = ANY($1)',
        [[byCitizen.mandateId, byAide.mandateId]],
      );
      expect(rows).toEqual(
        expect.arrayContaining([
          { mandate_id: byCitizen.mandateId, revoked_by: 'citizen', revoked_by_aide_id: null },
          { mandate_id: byAide.mandateId, revoked_by: 'aide', revoked_by_aide_id: aideId },
        ]),
      );
      expect(await revocationFollowUp(byCitizen.mandateId)).toBeGreaterThan(0);
      expect(await revocationFollowUp(byCitizen.mandateId)).toBe(0);
      // The database refuses a revoked area that does not say by whom.
      await expect(
        db.query('UPDATE mandate_procedures SET revoked_by = NULL WHERE mandate_id = $1', [byAide.mandateId]),
      ).rejects.toThrow(/mandate_procedures_revoked_by/);
    });

    it('the revocation attestation of a citizen who stopped it in the portal names no aide', async () => {
      const mandate = await consented([ProcedureArea.Papers]);
      const outcome = await app.get(CitizenRevocation).revoke(mandate.citizenId, mandate.mandateId);
      if (!('done' in outcome)) throw new Error('expected a revocation');

      const { pdf } = (await app.get(AttestationsService).pdf(outcome.done.id))!;
      const { text } = await readPdf(pdf);

      expect(text).not.toContain('Karim');
      expect(text).not.toContain('Signature de l’aidant(e)');
      expect(text).toContain('Qui a arrêté le mandat ?');
      expect(text).toContain('Aucun aidant n’a fait cette demande. Il n’y a rien à signer.');
      expect(text).not.toContain('Signatures');
    });

    it('the revocation attestation of an aide at the counter still has both signature boxes', async () => {
      const mandate = await consented([ProcedureArea.Papers]);
      const attestation = await app
        .get(RevocationService)
        .revoke({ structureId, aideId, mandateId: mandate.mandateId });

      const { text } = await readPdf((await app.get(AttestationsService).pdf(attestation.id))!.pdf);

      expect(text).toContain('Signature de l’aidant(e) Karim Benaïssa');
      expect(text).not.toContain('Qui a arrêté le mandat ?');
    });

    it('sends the citizen nothing when FranceConnect gave no address', async () => {
      const mandate = await consented([ProcedureArea.Papers], null);
      await app.get(CitizenRevocation).revoke(mandate.citizenId, mandate.mandateId);
      await revocationFollowUp(mandate.mandateId);
      expect(await pendingFor(mandate.citizenId, 'citizen_mandate_revoked')).toBe(0);
    });
  });

  describe('ends in seven days', () => {
    /** Moves a consented mandate so that it ends in `days` days (and started long before). */
    const endingIn = async (mandateId: string, days: number) =>
      db.query(
        `UPDATE mandates SET starts_at = now() - interval '170 days', decided_at = now() - interval '170 days',
                expires_at = now() + make_interval(secs => $2) WHERE id = $1`,
        [mandateId, days * 86_400],
      );

    it('sends one email seven days before the end, with how to renew or stop earlier, once only', async () => {
      const mandate = await consented([ProcedureArea.Papers, ProcedureArea.Money]);
      await app
        .get(RevocationService)
        .revoke({ structureId, aideId, mandateId: mandate.mandateId, area: ProcedureArea.Money });
      await endingIn(mandate.mandateId, 6.5);
      await deliveredTo(mandate.email);

      await notices.queueEndingNotices();
      await notices.queueEndingNotices();
      await notices.queueEndingNotices(new Date(Date.now() + DAY));

      const mails = (await deliveredTo(mandate.email)).filter((mail) =>
        mail.subject.startsWith('Votre mandat se termine'),
      );
      expect(mails).toHaveLength(1);
      const text = plain(mails[0].text);
      expect(mails[0].subject).toBe('Votre mandat se termine dans 7 jours');
      expect(text).toContain('Votre mandat se termine dans 7 jours.');
      expect(text).toMatch(/Les démarches :\n- Papiers[^\n]*\n\n/); // the area still in force only
      expect(text).toContain('La structure :\nFrance Services de Belleville, 12 rue de Belleville, 75020 Paris');
      expect(text).toContain('Retournez voir la structure avant la fin du mandat.');
      expect(text).toContain(`Vous pouvez le faire vous-même, avec FranceConnect :\n${BASE}/usager`);
    });

    it('sends nothing for a revoked mandate, one ending later, or a citizen without an address', async () => {
      const revoked = await consented([ProcedureArea.Papers]);
      await endingIn(revoked.mandateId, 5);
      await app.get(CitizenRevocation).revoke(revoked.citizenId, revoked.mandateId);
      const later = await consented([ProcedureArea.Papers]);
      await endingIn(later.mandateId, 8);
      const withoutAddress = await consented([ProcedureArea.Papers], null);
      await endingIn(withoutAddress.mandateId, 5);

      await notices.queueEndingNotices();

      for (const mandate of [revoked, later, withoutAddress]) {
        expect(await pendingFor(mandate.citizenId, 'citizen_mandate_ends_soon')).toBe(0);
      }
    });

    it('sends nothing for a mandate replaced by a newer one of the structure', async () => {
      const older = await consented([ProcedureArea.Papers]);
      await endingIn(older.mandateId, 5);
      // The same citizen gives a new mandate for the same area: the old one is out of force.
      const [{ france_connect_sub: sub }] = await db.query('SELECT france_connect_sub FROM citizens WHERE id = $1', [
        older.citizenId,
      ]);
      const { mandate } = await app.get(MandateRequests).request({
        structureId,
        aideId,
        areas: [ProcedureArea.Papers],
        duration: MandateDuration.SixMonths,
        channel: ConsentChannel.SameDevice,
      });
      const identity = franceConnectIdentity({ sub, email: older.email });
      const citizen = await app.get(MandateRequests).identify(mandate.id, identity);
      const page = await app.get(ConsentService).page(mandate.id, citizen.id);
      await app.get(ConsentService).consent({
        mandateId: mandate.id,
        citizenId: citizen.id,
        textVersion: page.text.version,
        textDigest: page.textDigest,
        identification: identity,
      });

      expect(await notices.queueEndingNotices()).toBe(0);
      expect(await pendingFor(older.citizenId, 'citizen_mandate_ends_soon')).toBe(0);
    });
  });
});
