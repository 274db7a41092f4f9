import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { CONSOLE_PATHS, MemberContexts, SESSION_ABSOLUTE_MS, STEP_UP_IDLE_MS, type MemberContext } from '@relais/auth';
import { DELEGATION_ACR, DELEGATION_PATH, DelegationsService, OIDC_PROVIDER } from '@relais/delegation';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { PublicServicesService, type PublicService } from '@relais/public-services';
import { PROCEDURE_AREA_LABELS, isProcedureArea, type ProcedureArea } from '@relais/structures';
import type { Request, Response } from 'express';
import type Provider from 'oidc-provider';

import { DelegationChoiceForm, DelegationSearchQuery } from './dto/delegation-forms.dto.js';

/** How the aide proved who they are for a delegated login (console login: password then TOTP). */
const AMR = ['pwd', 'otp'];

/**
 * The interaction pages of the OpenID provider: the aide (logged in through the console login,
 * one implementation) picks the citizen, the area, and confirms. Controllers stay thin: who may act
 * for whom is DelegationsService's, the protocol is oidc-provider's.
 */
@ApiExcludeController()
@Controller(DELEGATION_PATH.slice(1))
export class DelegationController {
  constructor(
    @Inject(OIDC_PROVIDER) private readonly provider: Provider,
    private readonly delegations: DelegationsService,
    private readonly publicServices: PublicServicesService,
    private readonly members: MemberContexts,
  ) {}

  /** Step 1: the citizens the aide may act for at this service (search by name, birth date). */
  @Get(':uid')
  async pick(
    @Param('uid') uid: string,
    @Query() search: DelegationSearchQuery,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const context = await this.context(uid, req, res);
    if (!context) return;
    const { member, service } = context;
    const candidates = await this.delegations.candidates(member, service, {
      name: search.nom,
      birthdate: search.naissance || undefined,
    });
    const searching = Boolean(search.nom || search.naissance);
    if (candidates.length === 0 && !searching) {
      await this.delegations.refuseEarly(member, service, 'no_mandate');
    }
    res.render('delegation/pick.njk', {
      pageTitle: `Se connecter à ${service.name}`,
      uid,
      member,
      service,
      candidates,
      search: { nom: search.nom ?? '', naissance: search.naissance ?? '' },
      searching,
      preselected: context.preselectedArea && PROCEDURE_AREA_LABELS[context.preselectedArea],
    });
  }

  /** Step 2 and 3: the area (pre-selected by the service when it asked) and the confirmation. */
  @Get(':uid/confirmation')
  async confirmPage(
    @Param('uid') uid: string,
    @Query('citoyen') citizenId: string,
    @Query('demarche') chosenArea: string | undefined,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const context = await this.context(uid, req, res);
    if (!context) return;
    const { member, service } = context;
    const candidate = (await this.delegations.candidates(member, service)).find((c) => c.citizen.id === citizenId);
    if (!candidate) throw new DomainException(ErrorCode.NoUsableMandate);
    const wanted =
      chosenArea ?? context.preselectedArea ?? (candidate.areas.length === 1 ? candidate.areas[0].area : undefined);
    const area = candidate.areas.find((option) => option.area === wanted);
    if (wanted && !area && context.preselectedArea) throw new DomainException(ErrorCode.NoUsableMandate);
    this.allowRedirectTo(res, context.redirectUri);
    res.render('delegation/confirm.njk', {
      pageTitle: area ? 'Confirmez' : 'Choisissez la démarche',
      uid,
      member,
      service,
      citizen: candidate.citizen,
      areas: candidate.areas,
      area,
    });
  }

  @Post(':uid/confirmation')
  async confirm(
    @Param('uid') uid: string,
    @Body() form: DelegationChoiceForm,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const context = await this.context(uid, req, res);
    if (!context) return;
    const { member, service, details } = context;
    const delegation = await this.delegations.open(
      member,
      service,
      { citizenId: form.citoyen, area: form.demarche },
      AMR,
    );
    const grant = new this.provider.Grant({ accountId: delegation.id, clientId: service.clientId });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    const requestedClaims = claimNames(details.params.claims);
    if (requestedClaims.length > 0) grant.addOIDCClaims(requestedClaims);
    const grantId = await grant.save();
    await this.delegations.attachGrant(delegation.id, grantId);
    await this.provider.interactionFinished(
      req,
      res,
      { login: { accountId: delegation.id, amr: AMR, acr: DELEGATION_ACR, remember: false }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  @Post(':uid/abandon')
  async abandon(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response) {
    await this.details(uid, req, res);
    await this.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'The aide cancelled the delegated login' },
      { mergeWithLastSubmission: false },
    );
  }

  /**
   * The interaction, the public service and the aide for every step; sends the aide to log in
   * (or to re-enter a code after 15 minutes idle) and back here. Null when it redirected.
   */
  private async context(uid: string, req: Request, res: Response) {
    const details = await this.details(uid, req, res);
    const service = await this.publicServices.findByClientId(String(details.params.client_id));
    if (!service?.active) throw new DomainException(ErrorCode.Forbidden);
    const session = req.session;
    const here = `${DELEGATION_PATH}/${uid}`;
    const live = session.aideId && session.loginAt && Date.now() - session.loginAt <= SESSION_ABSOLUTE_MS;
    const member: MemberContext | null =
      live && session.structureId ? await this.members.find(session.aideId!, session.structureId) : null;
    if (live && session.structureId && !member) {
      // Logged in, but the account or its place in the structure was deactivated meanwhile.
      await this.delegations.refuseEarly(
        { aideId: session.aideId!, structureId: session.structureId },
        service,
        'deactivated',
      );
      throw new DomainException(ErrorCode.AideDeactivated);
    }
    if (!member) {
      session.returnTo = here;
      res.redirect(303, live ? CONSOLE_PATHS.structureChoice : CONSOLE_PATHS.login);
      return null;
    }
    if (session.stepUpNeeded || Date.now() - (session.lastSeenAt ?? 0) > STEP_UP_IDLE_MS) {
      session.stepUpNeeded = true;
      session.returnTo = here;
      res.redirect(303, CONSOLE_PATHS.stepUp);
      return null;
    }
    session.lastSeenAt = Date.now();
    if (!member.trained) {
      await this.delegations.refuseEarly(member, service, 'not_trained');
      throw new DomainException(ErrorCode.AideNotTrained);
    }
    return {
      details,
      service,
      member,
      preselectedArea: preselectedArea(details.params.claims, service),
      redirectUri: String(details.params.redirect_uri),
    };
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

  /**
   * The confirmation form posts here, and the provider then redirects the browser to the public
   * service: the page's CSP must allow that origin as a form target.
   */
  private allowRedirectTo(res: Response, redirectUri: string): void {
    const csp = res.getHeader('content-security-policy');
    if (typeof csp !== 'string' || !URL.canParse(redirectUri)) return;
    res.setHeader(
      'content-security-policy',
      csp.replace("form-action 'self'", `form-action 'self' ${new URL(redirectUri).origin}`),
    );
  }
}

/** The claim names a `claims` request parameter asks for (id_token and userinfo). */
function claimNames(claims: unknown): string[] {
  const parsed = parseClaims(claims);
  return [...new Set([...Object.keys(parsed.id_token ?? {}), ...Object.keys(parsed.userinfo ?? {})])];
}

/** The area a public service pre-selects with claims={"id_token":{"procedure_area":{"value":"papers"}}}. */
function preselectedArea(claims: unknown, service: PublicService): ProcedureArea | undefined {
  const parsed = parseClaims(claims);
  const value = parsed.id_token?.procedure_area?.value ?? parsed.userinfo?.procedure_area?.value;
  return typeof value === 'string' && isProcedureArea(value) && service.areas.includes(value) ? value : undefined;
}

type ClaimsRequest = Record<'id_token' | 'userinfo', Record<string, { value?: unknown } | null> | undefined>;

function parseClaims(claims: unknown): Partial<ClaimsRequest> {
  if (typeof claims !== 'string') return {};
  try {
    const parsed = JSON.parse(claims);
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return {};
  }
}
