/**
 * What a delegated-login bench needs in its database: one structure, one trained aide (password
 * + TOTP), one citizen with an active mandate for "papers", one public service. Bench code only.
 */
import type { INestApplicationContext } from '@nestjs/common';
import { InvitationsService, MembershipRole, TotpService } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { ConsentChannel, ConsentService, MandateDuration, MandateRequests } from '@relais/mandates';
import { PublicServicesService } from '@relais/public-services';
import { generateSync } from 'otplib';
import { DataSource } from 'typeorm';

export const BENCH_PASSWORD = 'Lampadaire-Violet-Sur-Colline-42';
export const BENCH_AIDE_EMAIL = 'bench@example.fr';
const PASSWORD = BENCH_PASSWORD;
const OPERATOR = { type: AuditActorType.Operator };

export interface DelegationSeed {
  /** The aide's TOTP secret. */
  secret: string;
  aideId: string;
  structureId: string;
  citizenId: string;
  client: { id: string; secret: string };
}

/** Seeds through the app's services; `callback` is the public service's redirect URI. */
export async function seedDelegation(app: INestApplicationContext, callback: string): Promise<DelegationSeed> {
  const db = app.get(DataSource);
  const [structure] = await db.query(
    `INSERT INTO structures (siret, name, address, type, areas)
     VALUES ('73282932000074', 'Bench', '1 rue de la Paix', 'france_services', '{papers}') RETURNING id`,
  );
  const invitations = app.get(InvitationsService);
  const invited = await invitations.invite(
    { structureId: structure.id, email: BENCH_AIDE_EMAIL, role: MembershipRole.Aide },
    OPERATOR,
  );
  const secret = app.get(TotpService).newSecret();
  await invitations.activate(invited.link!.split('/invitation/')[1], PASSWORD, secret, generateSync({ secret }));
  await db.query('UPDATE memberships SET training_validated_at = now()');
  await db.query('UPDATE aides SET totp_last_step = NULL');
  const requests = app.get(MandateRequests);
  const { mandate } = await requests.request({
    structureId: structure.id,
    aideId: invited.aideId,
    areas: ['papers'],
    duration: MandateDuration.SixMonths,
    channel: ConsentChannel.SameDevice,
  });
  const identification = { acr: 'eidas1', authTime: new Date(), idTokenDigest: 'bench' };
  const citizen = await requests.identify(mandate.id, {
    ...identification,
    sub: 'bench-citizen',
    givenName: 'Jeanne',
    familyName: 'Martin',
    birthdate: '1970-01-01',
    gender: 'female',
    birthplace: null,
    birthcountry: '99100',
    preferredUsername: null,
    email: null,
  });
  const consents = app.get(ConsentService);
  const page = await consents.page(mandate.id, citizen.id);
  await consents.consent({
    mandateId: mandate.id,
    citizenId: citizen.id,
    textVersion: page.text.version,
    textDigest: page.textDigest,
    identification,
  });
  const { publicService, clientSecret } = await app
    .get(PublicServicesService)
    .register({ name: 'Bench', redirectUris: [callback], areas: ['papers'] }, OPERATOR);
  return {
    secret,
    aideId: invited.aideId,
    structureId: structure.id,
    citizenId: citizen.id,
    client: { id: publicService.clientId, secret: clientSecret },
  };
}
