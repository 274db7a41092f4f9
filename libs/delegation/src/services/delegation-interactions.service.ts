import { Inject, Injectable } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { type PublicService, PublicServiceDirectory } from '@relais/public-services';
import type { ProcedureArea } from '@relais/structures';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';

import { OIDC_PROVIDER } from '../delegation.tokens.js';
import type { Delegation } from '../entities/delegation.entity.js';
import { requestedArea, requestedClaimNames } from '../provider/claims-parameter.js';
import { replaceEarlierSession } from '../provider/provider-session.js';
import { pairwiseSubject } from '../provider/delegation-claims.js';
import { DELEGATION_ACR, DELEGATION_PATH } from '../provider/relais-provider.factory.js';
import { ProviderKeys } from './provider-keys.service.js';

/** How the aide proved who they are for a delegated login (console login: password then TOTP). */
export const DELEGATION_AMR = ['pwd', 'otp'];

/** What a delegated-login page needs to know of its OIDC interaction. */
export interface DelegationInteraction {
  uid: string;
  /** This interaction's first page (to come back to after login). */
  path: string;
  service: PublicService;
  /** The area the service asked for with the `claims` parameter, if it serves it. */
  preselectedArea?: ProcedureArea;
  redirectUri: string;
  scope: string;
  claims: unknown;
  /** The provider's interaction as read for this request: finished without reading it again. */
  record: ProviderInteraction;
}

/** oidc-provider's Interaction model (what interactionDetails reads). */
type ProviderInteraction = Awaited<ReturnType<Provider['interactionDetails']>>;

/**
 * The protocol side of the delegated-login pages (oidc-provider's interactions): read the
 * interaction, finish it with a grant, or abandon it. The pages stay adapters.
 */
@Injectable()
export class DelegationInteractions {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly publicServices: PublicServiceDirectory,
    private readonly keys: ProviderKeys,
  ) {}

  /** The interaction `uid` of this browser, and its active public service; DelegationExpired otherwise. */
  async find(uid: string, req: Request, res: Response): Promise<DelegationInteraction> {
    const details = await this.details(uid, req, res);
    const service = await this.publicServices.find(String(details.params.client_id));
    if (!service?.active) throw new DomainException(ErrorCode.Forbidden);
    return {
      uid,
      path: `${DELEGATION_PATH}/${uid}`,
      service,
      preselectedArea: requestedArea(details.params.claims, service.areas),
      redirectUri: String(details.params.redirect_uri),
      scope: String(details.params.scope ?? 'openid'),
      claims: details.params.claims,
      record: details,
    };
  }

  /**
   * The delegation opened: its grant (the scope and claims asked for), saved under the delegation's
   * id, which the delegation row already holds as its grant id, then back to the provider.
   */
  async finish(req: Request, res: Response, interaction: DelegationInteraction, delegation: Delegation) {
    // The account is the citizen as this service knows them (pairwise sub); the grant is this
    // delegation (its id is the delegation's): libs/delegation/README.md, "Sessions".
    const accountId = pairwiseSubject(
      await this.keys.pairwiseKey(),
      interaction.service.clientId,
      delegation.citizenId,
    );
    const grant = new this.provider.Grant({
      jti: delegation.id,
      accountId,
      clientId: interaction.service.clientId,
    } as ConstructorParameters<Provider['Grant']>[0]);
    grant.addOIDCScope(interaction.scope);
    const claims = requestedClaimNames(interaction.claims);
    if (claims.length > 0) grant.addOIDCClaims(claims);
    // An earlier delegated login in this browser: its provider session ends here, not through
    // the provider's auto-submitting logout page (libs/delegation/README.md, "Sessions").
    await replaceEarlierSession(this.provider, req, res, interaction.record);
    // What interactionFinished does, on the interaction this request already read (it would
    // read it again): the result saved with the interaction, then back to the provider. The
    // grant's id is known beforehand (the delegation's), so both are saved at once (one Redis
    // write with auto-pipelining); the provider reads them when the browser resumes.
    const { record } = interaction;
    record.result = {
      login: { accountId, amr: DELEGATION_AMR, acr: DELEGATION_ACR, remember: false },
      consent: { grantId: delegation.id },
    };
    await Promise.all([grant.save(), record.save(Math.max(1, record.exp - Math.floor(Date.now() / 1000)))]);
    res.status(303).setHeader('Location', record.returnTo).setHeader('Content-Length', '0').end();
  }

  async abandon(uid: string, req: Request, res: Response): Promise<void> {
    await this.details(uid, req, res);
    await this.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The aide cancelled the delegated login' },
      { mergeWithLastSubmission: false },
    );
  }

  /**
   * The confirmation form posts here, and the provider then redirects the browser to the public
   * service: the page's CSP must allow that origin as a form target.
   */
  allowRedirectTo(res: Response, interaction: DelegationInteraction): void {
    const csp = res.getHeader('content-security-policy');
    if (typeof csp !== 'string' || !URL.canParse(interaction.redirectUri)) return;
    res.setHeader(
      'content-security-policy',
      csp.replace("form-action 'self'", `form-action 'self' ${new URL(interaction.redirectUri).origin}`),
    );
  }

  private async details(uid: string, req: Request, res: Response) {
    try {
      const details = await this.provider.interactionDetails(req, res);
      if (details.uid !== uid) throw new Error('interaction mismatch');
      return details;
    } catch {
      // Unknown, finished, or older than 5 minutes.
      throw new DomainException(ErrorCode.DelegationExpired);
    }
  }
}
