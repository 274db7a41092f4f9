import type { NestExpressApplication } from '@nestjs/platform-express';
import { InvitationsService, MembershipRole } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { FRANCECONNECT_CALLBACK_PATH } from '@relais/france-connect';
import { ConsentChannel, ConsentTranslations, MandateDuration, MandateRequests } from '@relais/mandates';
import { projectRoot } from '@relais/config';
import {
  accessibilityViolations,
  createTestEnvironment,
  freePort,
  launchBrowser,
  startTestIdentitySandbox,
  type TestEnvironment,
  type TestIdentitySandbox,
} from '@relais/testing';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { DataSource } from 'typeorm';

import {
  createMember,
  createStructure,
  freshCode,
  PASSWORD,
  startConsole,
  type TestMember,
} from './console-helpers.js';
import { delegatedLogin, mandateFor, publicService } from './portal-helpers.js';

/**
 * When the page scrolls sideways: by how much, and the widest element sticking out (the one whose
 * box or content reaches furthest right, outside any box that clips), else null. A string: it runs in the page (no DOM types here).
 */
const OVERFLOW = `(() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  /** Inside a box that clips or scrolls sideways, an element cannot widen the page. */
  const clipped = (element) => {
    for (let parent = element.parentElement; parent && parent !== document.body; parent = parent.parentElement) {
      if (getComputedStyle(parent).overflowX !== 'visible') return true;
    }
    return false;
  };
  let widest = null;
  for (const element of document.body.querySelectorAll('*')) {
    // Its box, or its content when that spills out of it (a label that does not wrap).
    const box = element.getBoundingClientRect();
    const right = Math.max(box.right, box.left + element.scrollWidth);
    if (right > root.clientWidth + 1 && (!widest || right > widest.right) && !clipped(element)) widest = { element, right };
  }
  const name = widest
    ? widest.element.tagName.toLowerCase() + (widest.element.id ? '#' + widest.element.id : '') +
      [...widest.element.classList].map((c) => '.' + c).join('') + ' (right ' + Math.round(widest.right) + ' px)'
    : '(none)';
  return { by: root.scrollWidth - root.clientWidth, widest: name };
})()`;

/** 320 CSS pixels (WCAG 1.4.10 reflow), and 200 % zoom of a 1280 px window (640 CSS pixels at twice the density). */
const SIZES: [string, BrowserContextOptions][] = [
  ['320 px', { viewport: { width: 320, height: 640 } }],
  ['200 % zoom', { viewport: { width: 640, height: 450 }, deviceScaleFactor: 2 }],
];

describe('reflow: every console page at 320 px and at 200 % zoom, without horizontal scrolling', () => {
  let env: TestEnvironment;
  let sandbox: TestIdentitySandbox;
  let app: NestExpressApplication;
  let browser: Browser;
  let baseUrl: string;
  let supervisor: TestMember;
  let place: { structureId: string; aideId: string };
  let marie: { mandateId: string; citizenId: string };
  let attestationCode: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    sandbox = await startTestIdentitySandbox({
      redirectUris: [`${baseUrl}/usager/connexion/retour`, `${baseUrl}${FRANCECONNECT_CALLBACK_PATH}`],
      postLogoutRedirectUris: [`${baseUrl}/usager/au-revoir`],
    });
    Object.assign(process.env, { ISSUER: baseUrl, FRANCECONNECT_ISSUER: sandbox.issuer });
    app = await startConsole();
    await app.listen(port, '127.0.0.1');
    const db = app.get(DataSource);
    // Long names, as real ones are: they must wrap, not push the page wider.
    const structureId = await createStructure(app, 'Maison France Services intercommunale de Saint-Rémy-de-Provence');
    await db.query("UPDATE structures SET areas = '{papers,family,social,work,housing,money}' WHERE id = $1", [
      structureId,
    ]);
    supervisor = await createMember(
      app,
      structureId,
      'responsable.multi-structures.reflow@exemple-collectivite.fr',
      MembershipRole.Supervisor,
    );
    await db.query(
      "UPDATE aides SET operator = true, given_name = 'Marie-Clémentine', family_name = 'Vandenbergh-Oliveira' WHERE id = $1",
      [supervisor.aideId],
    );
    place = { structureId, aideId: supervisor.aideId };
    await createMember(
      app,
      structureId,
      'aidant.non.forme.avec.une.adresse.longue@exemple.fr',
      MembershipRole.Aide,
      false,
    );
    const service = await publicService(app, 'Caisse d’allocations familiales de démonstration', ['papers', 'money']);
    marie = await mandateFor(app, place, 'marie-therese', ['papers', 'family', 'money']);
    await delegatedLogin(app, place, service, { citizenId: marie.citizenId, area: 'papers' });
    [{ code: attestationCode }] = await db.query('SELECT code FROM attestations WHERE mandate_id = $1', [
      marie.mandateId,
    ]);
    const seeds = join(projectRoot(), 'database/seeds/consent-translations');
    await app
      .get(ConsentTranslations)
      .add('2026-12-v2', 'ar', JSON.parse(await readFile(join(seeds, '2026-12-v2.ar.json'), 'utf8')));
    browser = await launchBrowser();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await sandbox?.close();
    await env?.dispose();
    delete process.env.ISSUER;
  });

  /** A single-use link for a new account, and one for a remote consent. */
  async function freshLinks() {
    const invited = await app
      .get(InvitationsService)
      .invite(
        { structureId: place.structureId, email: `nouvel.aidant.${Date.now()}@exemple.fr`, role: MembershipRole.Aide },
        { type: AuditActorType.Operator },
      );
    const { mandate, link } = await app.get(MandateRequests).request({
      structureId: place.structureId,
      aideId: place.aideId,
      areas: ['papers', 'money'],
      duration: MandateDuration.SixMonths,
      channel: ConsentChannel.Remote,
    });
    return { invitation: new URL(invited.link!).pathname, remote: new URL(link!).pathname, pendingId: mandate.id };
  }

  it.each(SIZES)(
    'at %s, no page scrolls sideways (each overflow named with its widest element)',
    async (_size, options) => {
      const failures: string[] = [];
      const pagesSeen: string[] = [];
      const context = await browser.newContext({ locale: 'fr-FR', ...options });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      const check = async (label: string) => {
        pagesSeen.push(label);
        const overflow = await page.evaluate<{ by: number; widest: string } | null>(OVERFLOW);
        if (overflow) failures.push(`${label}: ${overflow.by} px too wide, widest ${overflow.widest}`);
      };
      const visit = async (path: string) => {
        await page.goto(`${baseUrl}${path}`);
        await check(path);
      };
      const links = await freshLinks();

      // Public pages
      for (const path of [
        '/',
        '/connexion',
        '/verify',
        `/verify/${attestationCode}`,
        '/verify/AAAA-BBBB-CCCC-DDDD',
        '/statistiques',
        '/lieux',
        '/lieux?q=75020',
        '/usager/connexion',
        '/page-inexistante',
        links.invitation,
        links.remote,
      ]) {
        await visit(path);
      }

      // The console: log in (password, then code), then every page of an aide, a supervisor, an operator
      await page.goto(`${baseUrl}/connexion`);
      await page.getByLabel('Adresse électronique').fill(supervisor.email);
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Continuer' }).click();
      await page.waitForURL(/\/connexion\/code$/);
      await check('/connexion/code');
      await page.getByLabel(/Code à 6 chiffres/).fill(await freshCode(app, supervisor));
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.waitForURL(/\/espace$/);
      await check('/espace');
      for (const path of [
        '/mandats',
        '/mandats?nom=Lef%C3%A8vre&etat=current',
        '/mandats/nouveau',
        `/mandats/nouveau?renouvellement=${marie.mandateId}`,
        `/mandats/${marie.mandateId}`,
        `/mandats/${links.pendingId}`,
        '/responsable/aidants',
        '/operateur/services-publics',
        '/operateur/traductions',
        '/structure',
      ]) {
        await visit(path);
      }

      // A remote mandate: the page with the single-use link to hand over
      await page.goto(`${baseUrl}/mandats/nouveau`);
      await page.locator('label[for="area-papers"]').click();
      await page.locator('label[for="channel-remote"]').click();
      await page.getByRole('button', { name: 'Continuer' }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      await expect(page.title()).resolves.toContain('Lien pour la personne');
      await check('/mandats (lien à distance)');

      // A new mandate on this device: the identification page, FranceConnect, the consent page (French, then Arabic)
      await page.goto(`${baseUrl}/mandats/nouveau`);
      await page.locator('label[for="area-papers"]').click();
      await page.locator('label[for="area-money"]').click();
      await page.getByRole('button', { name: 'Continuer' }).click();
      await page.waitForURL(/\/identification$/);
      await check('/mandats/:id/identification');
      await page.getByRole('link', { name: /S’identifier avec FranceConnect/ }).click();
      await page.getByRole('button', { name: /Choisir Aminata/ }).click();
      await page.waitForURL(/\/consentement$/);
      await check('/consentement');
      await visit('/consentement?langue=ar');
      // The page with the translation beside the French (lang, dir="rtl", the language form) stays accessible.
      const violations = await accessibilityViolations(page);
      await page.getByRole('button', { name: 'Oui, je suis d’accord' }).click();
      await check('/consentement (accord enregistré)');

      // The citizen portal
      const citizen = await browser.newContext({ locale: 'fr-FR', ...options });
      const portal = await citizen.newPage();
      portal.setDefaultTimeout(15_000);
      await portal.goto(`${baseUrl}/usager/connexion`);
      await portal.getByRole('link', { name: /S’identifier avec FranceConnect/ }).click();
      await portal.getByRole('button', { name: /Choisir Marie-Thérèse/ }).click();
      await portal.waitForURL(`${baseUrl}/usager`);
      for (const path of [
        '/usager',
        `/usager/mandats/${marie.mandateId}`,
        `/usager/mandats/${marie.mandateId}/arret?demarche=money`,
      ]) {
        await portal.goto(`${baseUrl}${path}`);
        pagesSeen.push(path);
        const overflow = await portal.evaluate<{ by: number; widest: string } | null>(OVERFLOW);
        if (overflow) failures.push(`${path}: ${overflow.by} px too wide, widest ${overflow.widest}`);
      }
      await citizen.close();
      await context.close();

      expect(pagesSeen.length).toBeGreaterThanOrEqual(32);
      expect(failures).toEqual([]);
      expect(violations).toEqual([]);
    },
    180_000,
  );
});
