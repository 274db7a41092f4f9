import type { NestExpressApplication } from '@nestjs/platform-express';
import { NotificationSender } from '@relais/aides';
import { AuditAction, AuditActorType } from '@relais/audit';
import { ErrorCode } from '@relais/exceptions';
import { StructureRequestsService } from '@relais/onboarding';
import {
  createTestEnvironment,
  runCli,
  startTestSmtpServer,
  type TestEnvironment,
  type TestSmtpServer,
  testSiret,
} from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, hidden, logIn, startConsole } from './console-helpers.js';

type Agent = ReturnType<typeof request.agent>;

/** The request form as a person fills it in (checkboxes repeat their name). */
function requestBody(csrf: string, fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams({ _csrf: csrf });
  for (const [name, value] of Object.entries(fields)) {
    for (const one of Array.isArray(value) ? value : [value]) params.append(name, one);
  }
  return params.toString();
}

const complete = (siret: string, email: string) => ({
  siret: `${siret.slice(0, 3)} ${siret.slice(3, 6)} ${siret.slice(6, 9)} ${siret.slice(9)}`,
  name: 'Médiathèque de Ménilmontant',
  address: '8 rue Sorbier, 75020 Paris',
  type: 'association',
  areas: ['papers', 'social'],
  supervisorGivenName: 'Awa',
  supervisorFamilyName: 'Diallo',
  supervisorEmail: email,
  plannedAides: 'Léa ; Martin ; lea.martin@example.fr ; oui\nPaul ; Durand ; paul.durand@example.fr ; non',
  intent: 'submit',
});

describe('structures ask to join (/rejoindre) and operators decide', () => {
  let env: TestEnvironment;
  let smtp: TestSmtpServer;
  let app: NestExpressApplication;
  let db: DataSource;
  let operator: Agent;

  beforeAll(async () => {
    env = await createTestEnvironment();
    smtp = await startTestSmtpServer();
    process.env.SMTP_URL = smtp.url;
    app = await startConsole();
    db = app.get(DataSource);
    const home = await createStructure(app, 'Exploitation Relais');
    const member = await createMember(app, home, 'exploitation@example.fr');
    await db.query('UPDATE aides SET operator = true WHERE id = $1', [member.aideId]);
    operator = await logIn(app, member);
  }, 90_000);

  afterAll(async () => {
    delete process.env.SMTP_URL;
    await app?.close();
    await smtp?.close();
    await env?.dispose();
  });

  /** Delivers the outbox and returns the new messages to `to`. */
  async function mailsTo(to: string) {
    const before = smtp.received.length;
    await app.get(NotificationSender).sendPending(new Date(Date.now() + 1000));
    return smtp.received.slice(before).filter((mail) => mail.to.includes(to));
  }
  const linkIn = (text: string) => /\/rejoindre\/demande\/([A-Za-z0-9_-]{43})/.exec(text)![1];

  async function submitForm(agent: Agent, path: string, fields: Record<string, string | string[]>) {
    const page = await agent.get(path.startsWith('/rejoindre/demande/') ? path : '/rejoindre');
    return agent
      .post(path)
      .type('form')
      .send(requestBody(hidden(page.text, '_csrf'), fields));
  }

  async function operatorPost(path: string, fields: Record<string, string> = {}) {
    const page = await operator.get('/operateur/demandes').expect(200);
    return operator
      .post(path)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf'), ...fields });
  }

  it('submit → changes requested → amend → accept: the structure exists and its supervisor is invited by email', async () => {
    const siret = testSiret();
    const email = 'awa.diallo@example.fr';
    const applicant = request.agent(app.getHttpServer());

    // The applicant sends the request from the public form
    const sent = await submitForm(applicant, '/rejoindre', complete(siret, email));
    expect(sent.status).toBe(201);
    expect(sent.text).toContain('La demande est envoyée. L’équipe Relais va l’étudier.');
    const [received] = await mailsTo(email);
    expect(received.subject).toBe('Relais : votre demande est envoyée');
    expect(received.text).toContain('Nous avons bien reçu votre demande pour « Médiathèque de Ménilmontant ».');
    const firstLink = linkIn(received.text);
    const follow = await applicant.get(`/rejoindre/demande/${firstLink}`).expect(200);
    expect(follow.text).toContain('Envoyée');

    // The operator finds it by state and département, and asks for a change
    const [{ id }] = await db.query('SELECT id FROM structure_requests WHERE siret = $1', [siret]);
    const list = await operator.get('/operateur/demandes?etat=submitted&departement=75').expect(200);
    expect(list.text).toContain('Médiathèque de Ménilmontant');
    expect(list.text).toContain('75 — Paris');
    const elsewhere = await operator.get('/operateur/demandes?etat=submitted&departement=59').expect(200);
    expect(elsewhere.text).not.toContain('Médiathèque de Ménilmontant');
    const detail = await operator.get(`/operateur/demandes/${id}`).expect(200);
    expect(detail.text).toContain('Léa Martin (lea.martin@example.fr) : formé');
    expect(detail.text).toContain('Paul Durand (paul.durand@example.fr) : pas encore formé');

    const noMessage = await operatorPost(`/operateur/demandes/${id}/modifications`, { message: ' ' });
    expect(noMessage.status).toBe(400);
    expect(noMessage.text).toContain('Écrivez un message : la personne doit savoir quoi faire.');
    await operatorPost(`/operateur/demandes/${id}/modifications`, {
      message: 'Le nom officiel est « Médiathèque Sorbier ».',
    }).then((res) => expect(res.status).toBe(303));
    const [changes] = await mailsTo(email);
    expect(changes.subject).toBe('Relais : votre demande est à modifier');
    expect(changes.text).toContain('Le nom officiel est « Médiathèque Sorbier ».');
    const amendLink = linkIn(changes.text);

    // The first link was replaced by the new one: a French page says so and what to do
    const replaced = await applicant.get(`/rejoindre/demande/${firstLink}`);
    expect(replaced.status).toBe(410);
    expect(replaced.text).toContain('Ce lien a déjà servi');
    expect(replaced.text).toContain('Ouvrez le dernier message reçu de Relais');

    // The applicant amends through the new link (the form shows what is stored)
    const amendPage = await applicant.get(`/rejoindre/demande/${amendLink}`).expect(200);
    expect(amendPage.text).toContain('Le nom officiel est « Médiathèque Sorbier ».');
    expect(amendPage.text).toContain('value="Médiathèque de Ménilmontant"');
    const amended = await submitForm(applicant, `/rejoindre/demande/${amendLink}`, {
      ...complete(siret, email),
      name: 'Médiathèque Sorbier',
    });
    expect(amended.status).toBe(201);

    // The amend link served once: used again, it is refused with the French page
    const reused = await applicant
      .post(`/rejoindre/demande/${amendLink}`)
      .type('form')
      .send(requestBody(hidden(amendPage.text, '_csrf'), { ...complete(siret, email), name: 'Autre nom' }));
    expect(reused.status).toBe(410);
    expect(reused.text).toContain('Ce lien a déjà servi');
    const [resubmitted] = await mailsTo(email);
    expect(resubmitted.subject).toBe('Relais : votre demande est envoyée');

    // The operator accepts: structure, supervisor membership and invitation, in one go
    await operatorPost(`/operateur/demandes/${id}/acceptation`).then((res) => expect(res.status).toBe(303));
    const [structure] = await db.query('SELECT id, name, areas, department FROM structures WHERE siret = $1', [siret]);
    expect(structure).toMatchObject({ name: 'Médiathèque Sorbier', areas: ['papers', 'social'], department: '75' });
    const [membership] = await db.query(
      `SELECT m.role, a.given_name, a.family_name FROM memberships m JOIN aides a ON a.id = m.aide_id
        WHERE m.structure_id = $1`,
      [structure.id],
    );
    expect(membership).toEqual({ role: 'supervisor', given_name: 'Awa', family_name: 'Diallo' });
    const [stored] = await db.query('SELECT state, structure_id FROM structure_requests WHERE id = $1', [id]);
    expect(stored).toEqual({ state: 'accepted', structure_id: structure.id });

    const mails = await mailsTo(email);
    expect(mails.map((mail) => mail.subject).sort()).toEqual([
      'Relais : votre demande est acceptée',
      'Vous êtes invité ou invitée sur Relais',
    ]);
    const invitation = mails.find((mail) => mail.subject.startsWith('Vous êtes invité'))!;
    expect(invitation.text).toContain('Vous êtes ajouté ou ajoutée à la structure « Médiathèque Sorbier »');
    const invitationToken = /\/invitation\/([A-Za-z0-9_-]{43})/.exec(invitation.text)![1];
    const setUp = await request(app.getHttpServer()).get(`/invitation/${invitationToken}`);
    expect(setUp.status).toBe(200);
    // Sent links are not kept in the outbox
    const [{ kept }] = await db.query(
      "SELECT count(*)::int AS kept FROM notifications WHERE payload ? 'sealedToken' AND sent_at IS NOT NULL",
    );
    expect(kept).toBe(0);

    // Every step is journaled, with identifiers only
    const journal = await db.query(
      `SELECT action, actor_type, details FROM audit_outbox
        WHERE action LIKE 'structure_request.%' OR (action IN ('structure.created', 'aide.invited') AND structure_id = $1)
        ORDER BY id`,
      [structure.id],
    );
    expect(journal.map((row: { action: string }) => row.action)).toEqual([
      'structure_request.submitted',
      'structure_request.changes_requested',
      'structure_request.amended',
      'structure.created',
      'aide.invited',
      'structure_request.accepted',
    ]);
    expect(journal[0]).toMatchObject({ actor_type: 'applicant', details: { requestId: id, siret, to: 'submitted' } });
    expect(JSON.stringify(journal)).not.toContain('awa.diallo');

    // Accepting twice is refused by the workflow table
    const again = await operatorPost(`/operateur/demandes/${id}/acceptation`);
    expect(again.status).toBe(409);
    expect(again.text).toContain('Cette demande est « acceptée » : elle ne peut plus être acceptée.');
  });

  it('tells a SIRET already requested, or already registered, and never stores it twice', async () => {
    const siret = testSiret();
    const applicant = request.agent(app.getHttpServer());
    expect((await submitForm(applicant, '/rejoindre', complete(siret, 'un@example.fr'))).status).toBe(201);

    // The same SIRET again: the form comes back, the message under the SIRET field
    const again = await submitForm(applicant, '/rejoindre', complete(siret, 'deux@example.fr'));
    expect(again.status).toBe(409);
    expect(again.text).toContain('id="siret-erreur"');
    expect(again.text).toContain('Une demande est déjà en cours pour ce numéro SIRET.');
    expect(again.text).toContain('value="deux@example.fr"');

    // Two at the same moment: the unique index settles it
    const racing = testSiret();
    const service = app.get(StructureRequestsService);
    const results = await Promise.allSettled(
      ['a@example.fr', 'b@example.fr'].map((email) =>
        service.create({ ...complete(racing, email), areas: ['papers'] }, { submit: true }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: ErrorCode.StructureAlreadyRequested },
    });
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM structure_requests WHERE siret = ANY($1)', [
      [siret, racing],
    ]);
    expect(n).toBe(2);

    // A structure already registered
    const [existing] = await db.query('SELECT siret FROM structures LIMIT 1');
    const registered = await submitForm(applicant, '/rejoindre', complete(existing.siret, 'trois@example.fr'));
    expect(registered.status).toBe(409);
    expect(registered.text).toContain('Une structure avec ce numéro SIRET existe déjà.');
  });

  it('keeps what was typed and says in French what is wrong; a draft needs only the SIRET and the address', async () => {
    const applicant = request.agent(app.getHttpServer());
    const wrong = await submitForm(applicant, '/rejoindre', {
      siret: '123',
      supervisorEmail: 'pas-une-adresse',
      name: 'Espace numérique',
      address: 'Place de la mairie',
      plannedAides: 'Léa ; ; lea@example.fr ; peut-être',
      intent: 'submit',
    });
    expect(wrong.status).toBe(400);
    for (const message of [
      'Le numéro SIRET comporte 14 chiffres, par exemple 217 500 016 00019.',
      'L’adresse doit comporter le code postal (5 chiffres), par exemple 75020 Paris.',
      'Choisissez le type de structure.',
      'Choisissez au moins une démarche.',
      'Indiquez le prénom de la personne responsable.',
      'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.',
      'Ligne 1 : Le nom manque. Formé : écrivez « oui » ou « non ».',
    ]) {
      expect(wrong.text).toContain(message);
    }
    expect(wrong.text).toContain('value="Espace numérique"');
    expect(wrong.text).toContain('Léa ; ; lea@example.fr ; peut-être</textarea>');

    const valid = testSiret();
    const wrongKey = `${valid.slice(0, 13)}${(Number(valid[13]) + 1) % 10}`;
    const bad = await submitForm(applicant, '/rejoindre', { siret: wrongKey, supervisorEmail: 'x@example.fr' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Ce numéro SIRET n’est pas valide');

    // A draft, then the lost link asked again, then sent from the draft
    const siret = testSiret();
    const draft = await submitForm(applicant, '/rejoindre', {
      siret,
      supervisorEmail: 'brouillon@example.fr',
      intent: 'draft',
    });
    expect(draft.status).toBe(201);
    expect(draft.text).toContain('Le brouillon est enregistré.');
    // Without SMTP (the demo), the operator CLI shows the waiting email with its link
    const pending = await runCli(env, ['notifications:pending', 'brouillon@example.fr']);
    expect(pending.code).toBe(0);
    expect(pending.stdout).toContain('Relais : votre demande est enregistrée en brouillon');
    expect(pending.stdout).toMatch(/\/rejoindre\/demande\/[A-Za-z0-9_-]{43}/);
    const [draftMail] = await mailsTo('brouillon@example.fr');
    expect(draftMail.subject).toBe('Relais : votre demande est enregistrée en brouillon');

    const lostPage = await applicant.get('/rejoindre/nouveau-lien').expect(200);
    const lost = await applicant
      .post('/rejoindre/nouveau-lien')
      .type('form')
      .send({ _csrf: hidden(lostPage.text, '_csrf'), siret, supervisorEmail: 'Brouillon@example.fr' });
    expect(lost.status).toBe(201);
    expect(lost.text).toContain('Si une demande en cours correspond');
    const [newLink] = await mailsTo('brouillon@example.fr');
    expect(newLink.subject).toBe('Relais : votre demande est enregistrée en brouillon');
    await applicant.get(`/rejoindre/demande/${linkIn(draftMail.text)}`).expect(410);

    const incomplete = await submitForm(applicant, `/rejoindre/demande/${linkIn(newLink.text)}`, {
      siret,
      supervisorEmail: 'brouillon@example.fr',
      intent: 'submit',
    });
    expect(incomplete.status).toBe(400);
    expect(incomplete.text).toContain('Indiquez le nom de la structure.');
    // The mistake did not use the link up
    const sent = await submitForm(
      applicant,
      `/rejoindre/demande/${linkIn(newLink.text)}`,
      complete(siret, 'brouillon@example.fr'),
    );
    expect(sent.status).toBe(201);
    const [{ state }] = await db.query('SELECT state FROM structure_requests WHERE siret = $1', [siret]);
    expect(state).toBe('submitted');
  });

  it('lets the applicant withdraw, and the operator refuse with a reason; unknown links get their page', async () => {
    const applicant = request.agent(app.getHttpServer());
    const siret = testSiret();
    await submitForm(applicant, '/rejoindre', complete(siret, 'retrait@example.fr'));
    const [mail] = await mailsTo('retrait@example.fr');
    const page = await applicant.get(`/rejoindre/demande/${linkIn(mail.text)}`).expect(200);
    const withdrawn = await applicant
      .post(`/rejoindre/demande/${linkIn(mail.text)}/retrait`)
      .type('form')
      .send({ _csrf: hidden(page.text, '_csrf') });
    expect(withdrawn.status).toBe(201);
    expect(withdrawn.text).toContain('La demande est retirée.');
    expect((await mailsTo('retrait@example.fr'))[0].subject).toBe('Relais : votre demande est fermée');
    // Closed, the SIRET may be requested again
    expect((await submitForm(applicant, '/rejoindre', complete(siret, 'retrait@example.fr'))).status).toBe(201);
    const [{ id }] = await db.query("SELECT id FROM structure_requests WHERE siret = $1 AND state = 'submitted'", [
      siret,
    ]);
    await operatorPost(`/operateur/demandes/${id}/refus`, { message: 'Cette structure n’accueille pas de public.' });
    const [refused] = (await mailsTo('retrait@example.fr')).filter((m) => m.subject.includes('pas acceptée'));
    expect(refused.text).toContain('Cette structure n’accueille pas de public.');

    const unknown = await applicant.get(`/rejoindre/demande/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(unknown.text).toContain('Ce lien n’est pas valable');
    await operator.get('/operateur/demandes/pas-un-id').expect(404);
  });

  it('closes a request left waiting on its applicant for 30 days, journaled by Relais, and tells the applicant; its SIRET is free again', async () => {
    const service = app.get(StructureRequestsService);
    const create = (email: string, submit: boolean) => service.create(complete(testSiret(), email), { submit });
    // Its last change and the link of its last email 31 days old.
    const leftFor31Days = async (id: string) => {
      await db.query("UPDATE structure_requests SET updated_at = now() - interval '31 days' WHERE id = $1", [id]);
      await db.query("UPDATE structure_request_links SET expires_at = now() - interval '1 day' WHERE request_id = $1", [
        id,
      ]);
    };
    const draft = await create('brouillon.oublie@example.fr', false);
    const changesAsked = await create('modifs.oubliees@example.fr', true);
    const [{ id: operatorId }] = await db.query("SELECT id FROM aides WHERE email = 'exploitation@example.fr'");
    await service.requestChanges(changesAsked.id, 'Précisez l’adresse.', { id: operatorId });
    const awaitingOperator = await create('en.attente@example.fr', true);
    const newLinkAsked = await create('nouveau.lien@example.fr', false);
    for (const { id } of [draft, changesAsked, awaitingOperator, newLinkAsked]) await leftFor31Days(id);
    // The applicant asked for a new link yesterday: valid 30 days, so the request stays open.
    await service.resendLink(newLinkAsked.siret, 'nouveau.lien@example.fr');
    await mailsTo('@example.fr');

    const closed = await service.closeAbandoned();

    expect(closed).toBe(2);
    const states = await db.query('SELECT id, state FROM structure_requests WHERE id = ANY($1)', [
      [draft.id, changesAsked.id, awaitingOperator.id, newLinkAsked.id],
    ]);
    expect(Object.fromEntries(states.map((row: { id: string; state: string }) => [row.id, row.state]))).toEqual({
      [draft.id]: 'closed',
      [changesAsked.id]: 'closed',
      [awaitingOperator.id]: 'submitted',
      [newLinkAsked.id]: 'draft',
    });
    const journal = await db.query(
      "SELECT actor_type, details->>'from' AS from FROM audit_outbox WHERE action = $1 AND details->>'requestId' = ANY($2) ORDER BY id",
      [AuditAction.StructureRequestClosed, [draft.id, changesAsked.id]],
    );
    expect(journal).toEqual([
      { actor_type: AuditActorType.System, from: 'draft' },
      { actor_type: AuditActorType.System, from: 'changes_requested' },
    ]);
    const [told] = await mailsTo('brouillon.oublie@example.fr');
    expect(told.subject).toBe('Relais : votre demande est fermée');
    expect(told.text).toContain('nous n’avons pas eu de nouvelles depuis 30 jours');
    // The SIRET may be requested again; nothing more to close the next day.
    await expect(service.create(complete(draft.siret, 'retour@example.fr'), { submit: true })).resolves.toMatchObject({
      state: 'submitted',
    });
    expect(await service.closeAbandoned()).toBe(0);
  });

  it('accepts once when two operators click together, and writes nothing when the SIRET was registered meanwhile', async () => {
    const service = app.get(StructureRequestsService);
    const [{ id: operatorId }] = await db.query("SELECT id FROM aides WHERE email = 'exploitation@example.fr'");
    const first = await service.create(complete(testSiret(), 'double.clic@example.fr'), { submit: true });
    const results = await Promise.allSettled([
      service.accept(first.id, { id: operatorId }),
      service.accept(first.id, { id: operatorId }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((r) => r.status === 'rejected')).toMatchObject({
      reason: { code: ErrorCode.StructureRequestTransitionRefused },
    });
    expect((await db.query('SELECT count(*)::int AS n FROM structures WHERE siret = $1', [first.siret]))[0].n).toBe(1);

    // The SIRET registered by another way before the decision: everything is rolled back
    const second = await service.create(complete(testSiret(), 'trop.tard@example.fr'), { submit: true });
    await db.query(
      "INSERT INTO structures (siret, name, address, type, areas) VALUES ($1, 'Déjà là', '1 rue, 75001 Paris', 'other', '{papers}')",
      [second.siret],
    );
    await expect(service.accept(second.id, { id: operatorId })).rejects.toMatchObject({
      code: ErrorCode.StructureAlreadyExists,
    });
    const [after] = await db.query(
      `SELECT r.state,
              (SELECT count(*)::int FROM aides WHERE email = 'trop.tard@example.fr') AS aides,
              (SELECT count(*)::int FROM notifications WHERE structure_request_id = r.id) AS emails
         FROM structure_requests r WHERE r.id = $1`,
      [second.id],
    );
    expect(after).toEqual({ state: 'submitted', aides: 0, emails: 1 });
  });

  it('pages the operator’s list, 50 a page, newest first; a page that cannot exist is refused', async () => {
    await db.query(
      `INSERT INTO structure_requests (state, siret, name, address, type, areas, supervisor_given_name,
                                       supervisor_family_name, supervisor_email, updated_at)
       SELECT 'refused', lpad(n::text, 14, '9'), 'Structure en page ' || n, '1 place de la Mairie 62000 Arras',
              'france_services', '{papers}', 'Léa', 'Martin', 'lea@example.fr', now() - n * interval '1 minute'
         FROM generate_series(1, 55) AS n`,
    );
    const first = await operator.get('/operateur/demandes?etat=refused&departement=62').expect(200);
    expect(first.text.match(/Structure en page \d+/g)).toHaveLength(50);
    expect(first.text).toContain('Structure en page 1<');
    expect(first.text).toContain('1 / 2');
    expect(first.text).toContain('href="?etat=refused&amp;departement=62&amp;page=2"');
    const second = await operator.get('/operateur/demandes?etat=refused&departement=62&page=2').expect(200);
    expect(second.text.match(/Structure en page \d+/g)).toEqual(
      [51, 52, 53, 54, 55].map((n) => `Structure en page ${n}`),
    );
    for (const page of ['0', 'deux', '1e9']) {
      const refused = await operator.get(`/operateur/demandes?page=${page}`).set('Accept', 'text/html');
      expect(refused.status).toBe(400);
      expect(refused.text).toContain('Certaines informations envoyées ne sont pas valides.');
    }
  });

  it('keeps the operator pages for operators', async () => {
    const home = await createStructure(app, 'Structure ordinaire');
    const supervisor = await logIn(
      app,
      await createMember(app, home, 'resp.ordinaire@example.fr', 'supervisor' as never),
    );
    await supervisor.get('/operateur/demandes').set('Accept', 'application/json').expect(403);
    await request(app.getHttpServer()).get('/operateur/demandes').set('Accept', 'application/json').expect(401);
  });

  // Last: it uses up this IP's budget of public form posts.
  it('limits the public form posts per IP (each may send an email)', async () => {
    const agent = request.agent(app.getHttpServer());
    const page = await agent.get('/rejoindre').expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await agent
        .post('/rejoindre')
        .type('form')
        .send({ _csrf: hidden(page.text, '_csrf'), siret: '1' });
      statuses.push(res.status);
      if (res.status === 429) break;
    }
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.slice(0, -1).every((status) => status === 400)).toBe(true);
  });
});
