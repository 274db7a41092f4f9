import type { NestExpressApplication } from '@nestjs/platform-express';
import { InvitationsService, MembershipRole } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { SessionRedis } from '@relais/auth';
import { accessibilityViolations, createTestEnvironment, launchBrowser, type TestEnvironment } from '@relais/testing';
import type { Browser, Page } from 'playwright-core';
import { DataSource } from 'typeorm';

import {
  codeAt,
  createMember,
  createStructure,
  freshCode,
  logInInBrowser,
  PASSWORD,
  startConsole,
  type TestMember,
} from './console-helpers.js';

describe('console journey in a real browser (Chromium + axe)', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  let structureId: string;
  let db: DataSource;

  /** Opens a fresh browser and fails the test on any accessibility violation of each page visited. */
  async function newPage(): Promise<Page> {
    const context = await browser.newContext({ locale: 'fr-FR' });
    return context.newPage();
  }

  const expectAccessible = async (page: Page) => expect(await accessibilityViolations(page)).toEqual([]);

  const logIn = (page: Page, member: TestMember) => logInInBrowser(app, page, member, `${baseUrl}/connexion`);

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    db = app.get(DataSource);
    structureId = await createStructure(app, 'France Services Belleville');
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await env?.dispose();
  });

  it('a supervisor sets up their account from the link, logs in and invites an aide', async () => {
    // Given an invitation sent by the operator
    const invited = await app
      .get(InvitationsService)
      .invite(
        { structureId, email: 'camille@example.fr', role: MembershipRole.Supervisor },
        { type: AuditActorType.Operator },
      );
    const page = await newPage();

    // When they open the link, choose a password and enrol their app
    await page.goto(invited.link!.replace('http://localhost:3000', baseUrl));
    await expect(page.locator('h1').textContent()).resolves.toBe('Création de votre compte');
    await expectAccessible(page);
    const key = (await page.locator('code.relais-key').textContent())!.replaceAll(' ', '');
    await page.getByLabel(/^Mot de passe/).fill(PASSWORD);
    await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
    await page.getByLabel(/Code à 6 chiffres/).fill(await codeAt(key));
    await page.getByRole('button', { name: 'Créer mon compte' }).click();

    // Then they land on the login page, told the account exists
    await page.waitForURL(/\/connexion\?compte=cree$/);
    await expect(page.locator('.fr-alert--success').textContent()).resolves.toContain('Votre compte est créé');
    await expectAccessible(page);

    // When they log in (the code page is checked too)
    await page.getByLabel('Adresse électronique').fill('camille@example.fr');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(/\/connexion\/code$/);
    await expectAccessible(page);
    const member = { aideId: invited.aideId, email: 'camille@example.fr', secret: key };
    await page.getByLabel(/Code à 6 chiffres/).fill(await freshCode(app, member));
    await page.getByRole('button', { name: 'Se connecter' }).click();

    // Then their space shows the structure, and the team page lists them
    await page.waitForURL(/\/espace$/);
    await expect(page.locator('main').textContent()).resolves.toContain('France Services Belleville');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Gérer les aidants' }).click();
    await page.waitForURL(/\/responsable\/aidants$/);
    await expect(page.locator('table').textContent()).resolves.toContain('camille@example.fr');
    await expectAccessible(page);

    // When they invite an aide
    await page.getByLabel('Adresse électronique professionnelle').fill('karim@example.fr');
    await page.getByRole('button', { name: 'Créer le lien d’invitation' }).click();

    // Then the link to hand over is shown, and the aide appears in the team, training pending
    await expect(page.locator('h1').textContent()).resolves.toBe('Invitation créée');
    await expect(page.locator('main').textContent()).resolves.toMatch(/\/invitation\/[\w-]{43}/);
    await expectAccessible(page);
    await page.goto(`${baseUrl}/responsable/aidants`);
    const row = page.locator('tr', { hasText: 'karim@example.fr' });
    await expect(row.textContent()).resolves.toContain('En attente');
    await row.getByRole('button', { name: /Valider la formation/ }).click();
    await page.waitForURL(/\/responsable\/aidants$/);
    await expect(page.locator('tr', { hasText: 'karim@example.fr' }).textContent()).resolves.toContain(
      'Formation validée',
    );
  }, 60_000);

  it('asks a code again before a sensitive action after 15 minutes idle, then carries on', async () => {
    // Given a supervisor logged in, then idle for 16 minutes
    const supervisor = await createMember(app, structureId, 'idle.supervisor@example.fr', MembershipRole.Supervisor);
    const aide = await createMember(app, structureId, 'cible@example.fr');
    const page = await newPage();
    await logIn(page, supervisor);
    await page.goto(`${baseUrl}/responsable/aidants`);
    const redis = await app.get(SessionRedis).connected();
    for (const key of await redis.keys(`${env.redisPrefix}:session:*`)) {
      const data = JSON.parse((await redis.get(key))!);
      if (data.aideId !== supervisor.aideId) continue;
      data.lastSeenAt -= 16 * 60 * 1000;
      await redis.set(key, JSON.stringify(data), { KEEPTTL: true });
    }

    // When they deactivate an aide
    await page
      .locator('tr', { hasText: aide.email })
      .getByRole('button', { name: /Désactiver/ })
      .click();

    // Then they must confirm with a code first, and nothing was changed yet
    await page.waitForURL(/\/connexion\/confirmation$/);
    await expectAccessible(page);
    const [before] = await db.query('SELECT active FROM memberships WHERE aide_id = $1', [aide.aideId]);
    expect(before.active).toBe(true);
    await page.getByLabel(/Code à 6 chiffres/).fill(await freshCode(app, supervisor));
    await page.getByRole('button', { name: 'Confirmer' }).click();

    // And back on the team page the action now goes through
    await page.waitForURL(/\/responsable\/aidants$/);
    await page
      .locator('tr', { hasText: aide.email })
      .getByRole('button', { name: /Désactiver/ })
      .click();
    await page.waitForURL(/\/responsable\/aidants$/);
    const [after] = await db.query('SELECT active FROM memberships WHERE aide_id = $1', [aide.aideId]);
    expect(after.active).toBe(false);
  }, 60_000);

  it('shows the structure choice and the re-enrolment pages without accessibility violation', async () => {
    const other = await createStructure(app, 'CCAS de Lille');
    const member = await createMember(app, structureId, 'multi@example.fr');
    await app
      .get(InvitationsService)
      .invite(
        { structureId: other, email: member.email, role: MembershipRole.Aide },
        { type: AuditActorType.Operator },
      );
    const page = await newPage();
    await logIn(page, member);
    await page.waitForURL(/\/structure$/);
    await expectAccessible(page);
    await page.locator('label', { hasText: 'CCAS de Lille' }).click();
    await page.getByRole('button', { name: 'Continuer' }).click();
    await page.waitForURL(/\/espace$/);
    await expect(page.locator('main').textContent()).resolves.toContain('CCAS de Lille');

    // After a second-factor reset, the next login asks to enrol a new app
    await db.query('UPDATE aides SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1', [member.aideId]);
    const again = await newPage();
    await again.goto(`${baseUrl}/connexion`);
    await again.getByLabel('Adresse électronique').fill(member.email);
    await again.getByLabel('Mot de passe').fill(PASSWORD);
    await again.getByRole('button', { name: 'Continuer' }).click();
    await again.waitForURL(/\/connexion\/enrolement$/);
    await expectAccessible(again);
    const key = (await again.locator('code.relais-key').textContent())!.replaceAll(' ', '');
    await again.getByLabel(/Code à 6 chiffres/).fill(await codeAt(key));
    await again.getByRole('button', { name: 'Valider et se connecter' }).click();
    await again.waitForURL(/\/structure$/);
  }, 60_000);
});
