import type { INestApplicationContext } from '@nestjs/common';
import { Aide } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { ConsentChannel, ConsentService, MandateDuration, MandateProcedure, MandateRequests } from '@relais/mandates';
import { PublicServicesService } from '@relais/public-services';
import { Structure } from '@relais/structures';
import { DataSource } from 'typeorm';

import { findIdentityByKey } from '../../../identity-sandbox/src/identities/test-identities.js';

export const DEMO_SERVICE_NAME = 'Service public de démonstration';
export const DEMO_SERVICE_URL = 'http://localhost:3200';

/**
 * The demo public service's registration: created once, its secret renewed at each start (only
 * its hash is kept, so the demo hands the fresh secret to the demo service it starts).
 */
export async function seedDemoPublicService(app: INestApplicationContext) {
  const services = app.get(PublicServicesService);
  const actor = { type: AuditActorType.Operator };
  const existing = (await services.list()).find((service) => service.name === DEMO_SERVICE_NAME);
  if (!existing) {
    const { publicService, clientSecret } = await services.register(
      {
        name: DEMO_SERVICE_NAME,
        redirectUris: [`${DEMO_SERVICE_URL}/callback`],
        postLogoutRedirectUris: [`${DEMO_SERVICE_URL}/`],
        areas: ['papers', 'money'],
      },
      actor,
    );
    return { clientId: publicService.clientId, clientSecret };
  }
  if (!existing.active) await services.enable(existing.clientId, actor);
  return { clientId: existing.clientId, clientSecret: await services.rotateSecret(existing.clientId, actor) };
}

/**
 * A demo citizen (the sandbox's Marie-Thérèse) with a six-month mandate to the first demo
 * structure for papers and money, consented as the pages would, so the demo service can be tried
 * at once. Kept when it already exists.
 */
export async function seedDemoMandate(app: INestApplicationContext, structureSiret: string, aideEmail: string) {
  const db = app.get(DataSource);
  const structure = await db.manager.findOneByOrFail(Structure, { siret: structureSiret });
  const aide = await db.manager.findOneByOrFail(Aide, { email: aideEmail });
  const identity = findIdentityByKey('marie-therese')!.claims;
  const citizen = await db.query('SELECT id FROM citizens WHERE france_connect_sub = $1', [identity.sub]);
  if (
    citizen.length > 0 &&
    (await db.manager.countBy(MandateProcedure, {
      structureId: structure.id,
      citizenId: citizen[0].id,
      inForce: true,
    })) > 0
  ) {
    return;
  }
  const requests = app.get(MandateRequests);
  const consents = app.get(ConsentService);
  const { mandate } = await requests.request({
    structureId: structure.id,
    aideId: aide.id,
    areas: ['papers', 'money'],
    duration: MandateDuration.SixMonths,
    channel: ConsentChannel.SameDevice,
  });
  const identification = { acr: 'eidas1', authTime: new Date(), idTokenDigest: 'demo-seed' };
  const identified = await requests.identify(mandate.id, {
    sub: identity.sub,
    givenName: identity.given_name,
    familyName: identity.family_name,
    birthdate: identity.birthdate,
    gender: identity.gender,
    birthplace: identity.birthplace || null,
    birthcountry: identity.birthcountry,
    preferredUsername: identity.preferred_username ?? null,
    email: identity.email,
    ...identification,
  });
  const page = await consents.page(mandate.id, identified.id);
  await consents.consent({
    mandateId: mandate.id,
    citizenId: identified.id,
    textVersion: page.text.version,
    textDigest: page.textDigest,
    identification,
  });
}
