import type { NestExpressApplication } from '@nestjs/platform-express';
import { AuditActorType } from '@relais/audit';
import { ConsentChannel, ConsentService, MandateDuration, MandateRequests } from '@relais/mandates';
import { PublicServicesService } from '@relais/public-services';

let citizens = 0;

/** A consented mandate, straight through the services (the consent pages have their own tests). */
export async function consentedMandate(
  app: NestExpressApplication,
  structureId: string,
  aideId: string,
  areas: string[],
  identity: { givenName: string; familyName: string; birthdate?: string; sub?: string },
): Promise<{ mandateId: string; citizenId: string }> {
  const requests = app.get(MandateRequests);
  const consents = app.get(ConsentService);
  const { mandate } = await requests.request({
    structureId,
    aideId,
    areas,
    duration: MandateDuration.SixMonths,
    channel: ConsentChannel.SameDevice,
  });
  const franceConnect = {
    sub: identity.sub ?? `test-sub-${(citizens += 1)}-${identity.familyName}`,
    givenName: identity.givenName,
    familyName: identity.familyName,
    birthdate: identity.birthdate ?? '1970-01-01',
    gender: 'female' as const,
    birthplace: '75112',
    birthcountry: '99100',
    preferredUsername: null,
    email: null,
    acr: 'eidas1',
    authTime: new Date(),
    idTokenDigest: 'test',
  };
  const citizen = await requests.identify(mandate.id, franceConnect);
  const page = await consents.page(mandate.id, citizen.id);
  const outcome = await consents.consent({
    mandateId: mandate.id,
    citizenId: citizen.id,
    textVersion: page.text.version,
    textDigest: page.textDigest,
    identification: franceConnect,
  });
  if (outcome === 'text_changed') throw new Error('consent text changed');
  return { mandateId: mandate.id, citizenId: citizen.id };
}

export async function registerService(app: NestExpressApplication, name: string, areas: string[], redirectUri: string) {
  const { publicService, clientSecret } = await app
    .get(PublicServicesService)
    .register(
      { name, redirectUris: [redirectUri], postLogoutRedirectUris: [`${new URL(redirectUri).origin}/`], areas },
      { type: AuditActorType.Operator },
    );
  return { clientId: publicService.clientId, clientSecret };
}
