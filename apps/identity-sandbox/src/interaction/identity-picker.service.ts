import type { IncomingMessage, ServerResponse } from 'node:http';

import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type Provider from 'oidc-provider';
import type { InteractionResults } from 'oidc-provider';

import { birthInFrench, findIdentityByKey, TEST_IDENTITIES } from '../identities/test-identities.js';
import { EIDAS1 } from '../provider/france-connect-claims.js';
import { IDENTITY_PROVIDER } from '../sandbox.tokens.js';

type Interaction = Awaited<ReturnType<Provider['interactionDetails']>>;

export interface LoginPage {
  pageTitle: string;
  uid: string;
  clientName: string;
  identities: { key: string; name: string; birth: string; email: string; highlights: string[] }[];
}

/**
 * The interaction of the sandbox: the citizen picks a test identity, which is both the login
 * and the consent (FranceConnect's own consent screen is not imitated).
 */
@Injectable()
export class IdentityPicker {
  constructor(@Inject(IDENTITY_PROVIDER) private readonly provider: Provider) {}

  /** The login page, or nothing when the interaction was completed at once (the response is sent). */
  async loginPage(req: IncomingMessage, res: ServerResponse): Promise<LoginPage | undefined> {
    const interaction = await this.provider.interactionDetails(req, res);
    if (interaction.prompt.name !== 'login') {
      // Only reached if a request asks for more than the login grants: grant it, like FranceConnect does.
      await this.finish(req, res, {
        consent: { grantId: await this.grant(interaction, interaction.session!.accountId) },
      });
      return undefined;
    }
    const client = await this.provider.Client.find(String(interaction.params.client_id));
    return {
      pageTitle: 'Choisir une identité de test',
      uid: interaction.uid,
      clientName: client?.clientName ?? String(interaction.params.client_id),
      identities: TEST_IDENTITIES.map((identity) => ({
        key: identity.key,
        name: fullName(identity.claims),
        birth: birthInFrench(identity),
        email: identity.claims.email,
        highlights: identity.highlights,
      })),
    };
  }

  async pick(req: IncomingMessage, res: ServerResponse, key: unknown): Promise<void> {
    const identity = findIdentityByKey(key);
    if (!identity) throw new BadRequestException('Cette identité de test n’existe pas.');
    const interaction = await this.provider.interactionDetails(req, res);
    if (interaction.prompt.name !== 'login') throw new BadRequestException('Cette étape de connexion est déjà passée.');
    const { sub } = identity.claims;
    await this.finish(req, res, {
      login: { accountId: sub, acr: EIDAS1, amr: ['pwd'], remember: false },
      consent: { grantId: await this.grant(interaction, sub) },
    });
  }

  /** "Annuler" sends the citizen back to the service with access_denied, as FranceConnect does. */
  async abandon(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await this.provider.interactionDetails(req, res);
    await this.finish(req, res, {
      error: 'access_denied',
      error_description: 'L’usager a annulé la connexion.',
    });
  }

  /** Grants the scopes the service asked for, for this citizen and this service. */
  private async grant(interaction: Interaction, accountId: string): Promise<string> {
    const { params } = interaction;
    const grant = new this.provider.Grant({ accountId, clientId: String(params.client_id) });
    if (typeof params.scope === 'string') grant.addOIDCScope(params.scope);
    return grant.save();
  }

  private finish(req: IncomingMessage, res: ServerResponse, result: InteractionResults): Promise<void> {
    return this.provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
  }
}

function fullName(claims: { given_name: string; family_name: string; preferred_username?: string }): string {
  const name = `${claims.given_name} ${claims.family_name}`;
  return claims.preferred_username ? `${name}, nom d’usage ${claims.preferred_username}` : name;
}
