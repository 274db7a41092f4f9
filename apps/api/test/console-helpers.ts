import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { InvitationsService, MembershipRole, TotpService } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { insertStructure } from '@relais/testing';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { ApiModule } from '../src/api.module.js';
import { configureApi } from '../src/create-api.js';

export const PASSWORD = 'Lampadaire-Violet-Sur-Colline-42';

export async function startConsole(): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule] }).compile();
  const app = configureApi(moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true }));
  await app.init();
  return app;
}

/** A code for the step `offset` steps from now, as the aide's app would show it. */
export const codeAt = (secret: string, offset = 0) =>
  generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

/** The hidden form fields of a page (CSRF token, sealed enrolment). */
export function hidden(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in page`);
  return match[1].replaceAll('&#34;', '"').replaceAll('&amp;', '&');
}

export const createStructure = (app: NestExpressApplication, name = 'France Services Belleville') =>
  insertStructure(app.get(DataSource), name);

export interface TestMember {
  aideId: string;
  email: string;
  secret: string;
}

/**
 * A code the server will accept now. A code is accepted once per 30 s step, so instead of waiting
 * for the next step the test forgets the last accepted one (as if 30 s had passed).
 */
export async function freshCode(app: NestExpressApplication, member: TestMember): Promise<string> {
  await app.get(DataSource).query('UPDATE aides SET totp_last_step = NULL WHERE id = $1', [member.aideId]);
  return codeAt(member.secret);
}

/** The code of the last step the server accepted for this member: presenting it again is a replay. */
export async function lastAcceptedCode(app: NestExpressApplication, member: TestMember): Promise<string> {
  const [{ step }] = await app
    .get(DataSource)
    .query('SELECT totp_last_step AS step FROM aides WHERE id = $1', [member.aideId]);
  return generate({ secret: member.secret, epoch: Number(step) * 30 });
}

/** An activated account (password + TOTP) with a membership, optionally trained. */
export async function createMember(
  app: NestExpressApplication,
  structureId: string,
  email: string,
  role = MembershipRole.Aide,
  trained = true,
): Promise<TestMember> {
  const invitations = app.get(InvitationsService);
  const invited = await invitations.invite({ structureId, email, role }, { type: AuditActorType.Operator });
  const secret = app.get(TotpService).newSecret();
  await invitations.activate(invited.link!.split('/invitation/')[1], PASSWORD, secret, await codeAt(secret));
  if (trained) {
    await app
      .get(DataSource)
      .query('UPDATE memberships SET training_validated_at = now() WHERE aide_id = $1 AND structure_id = $2', [
        invited.aideId,
        structureId,
      ]);
  }
  return { aideId: invited.aideId, email, secret };
}

/** Logs a member in through the real pages; returns the agent holding the session cookie. */
export async function logIn(app: NestExpressApplication, member: TestMember) {
  const agent = request.agent(app.getHttpServer());
  const page = await agent.get('/connexion').expect(200);
  await agent
    .post('/connexion')
    .type('form')
    .send({ _csrf: hidden(page.text, '_csrf'), email: member.email, password: PASSWORD })
    .expect(303)
    .expect('Location', '/connexion/code');
  const codePage = await agent.get('/connexion/code').expect(200);
  const done = await agent
    .post('/connexion/code')
    .type('form')
    .send({ _csrf: hidden(codePage.text, '_csrf'), code: await freshCode(app, member) });
  expect(done.status).toBe(303);
  return agent;
}

/** POSTs a console form with the CSRF token taken from `fromPage`. */
export async function submit(
  agent: ReturnType<typeof request.agent>,
  fromPage: string,
  action: string,
  fields: Record<string, string> = {},
) {
  const page = await agent.get(fromPage);
  return agent
    .post(action)
    .type('form')
    .send({ _csrf: hidden(page.text, '_csrf'), ...fields });
}

/** Fills the console login pages in a real browser; goes to `loginUrl` first when given. */
export async function logInInBrowser(app: NestExpressApplication, page: Page, member: TestMember, loginUrl?: string) {
  if (loginUrl) await page.goto(loginUrl);
  await page.getByLabel('Adresse électronique').fill(member.email);
  await page.getByLabel('Mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Continuer' }).click();
  await page.waitForURL(/\/connexion\/code$/);
  await page.getByLabel(/Code à 6 chiffres/).fill(await freshCode(app, member));
  await page.getByRole('button', { name: 'Se connecter' }).click();
}
