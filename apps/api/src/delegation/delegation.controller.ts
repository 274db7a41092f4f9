import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { assertMayAct } from '@relais/aides';
import { ConsoleSubjects, SessionCheck } from '@relais/auth';
import {
  CitizenPicker,
  DELEGATION_AMR,
  DELEGATION_PATH,
  DelegationInteractions,
  DelegationOpener,
} from '@relais/delegation';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { PROCEDURE_AREA_LABELS } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { DelegationChoiceForm, DelegationSearchQuery } from './dto/delegation-forms.dto.js';

/**
 * The interaction pages of the OpenID provider: the aide (logged in through the console login)
 * picks the citizen, the area, and confirms. Who may act for whom is CitizenPicker's and
 * DelegationOpener's, the protocol DelegationInteractions', the session SessionCheck's.
 */
@ApiExcludeController()
@Controller(DELEGATION_PATH.slice(1))
export class DelegationController {
  constructor(
    private readonly interactions: DelegationInteractions,
    private readonly picker: CitizenPicker,
    private readonly opener: DelegationOpener,
    private readonly sessions: SessionCheck,
    private readonly subjects: ConsoleSubjects,
  ) {}

  /** Step 1: the citizens the aide may act for at this service (search by name, birth date). */
  @Get(':uid')
  @FormPage('delegation/pick.njk', 'pickPage')
  async pick(
    @Param('uid') uid: string,
    @Query() search: DelegationSearchQuery,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const locals = await this.pickLocals(uid, search, req, res);
    if (locals) res.render('delegation/pick.njk', locals);
  }

  /** The picker with no search applied (FormPage): a search it cannot run shows its messages there. */
  async pickPage(req: Request) {
    const sent = (name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');
    const locals = await this.pickLocals(req.params.uid as string, {}, req, req.res!);
    return locals && { ...locals, search: { nom: sent('nom'), naissance: sent('naissance') } };
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
    const { member, interaction } = context;
    const candidate = await this.picker.candidate(member, interaction.service, citizenId);
    if (!candidate) throw new DomainException(ErrorCode.NoUsableMandate);
    const preselected = interaction.preselectedArea;
    const wanted = chosenArea ?? preselected ?? (candidate.areas.length === 1 ? candidate.areas[0].area : undefined);
    const area = candidate.areas.find((option) => option.area === wanted);
    if (wanted && !area && preselected) throw new DomainException(ErrorCode.NoUsableMandate);
    this.interactions.allowRedirectTo(res, interaction);
    res.render('delegation/confirm.njk', {
      pageTitle: area ? 'Confirmez' : 'Choisissez la démarche',
      uid,
      member,
      service: interaction.service,
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
    // The session's aide is checked by the opening's own statement (the acting rule, with the
    // mandate, in one round trip): a deactivated aide or an untrained one is refused there, journaled.
    const interaction = await this.interactions.find(uid, req, res);
    const actor = await this.sessions.requireOrRedirect(req, res, this.subjects.sessionMember, {
      stepUp: true,
      returnTo: interaction.path,
      returnAfterLogin: true,
    });
    if (!actor) return;
    const choice = { citizenId: form.citoyen, area: form.demarche };
    const delegation = await this.opener.open(actor, interaction.service, choice, DELEGATION_AMR);
    await this.interactions.finish(req, res, interaction, delegation);
  }

  @Post(':uid/abandon')
  async abandon(@Param('uid') uid: string, @Req() req: Request, @Res() res: Response) {
    await this.interactions.abandon(uid, req, res);
  }

  /** The picker's page, or null when the session check redirected. */
  private async pickLocals(uid: string, search: DelegationSearchQuery, req: Request, res: Response) {
    const context = await this.context(uid, req, res);
    if (!context) return null;
    const { member, interaction } = context;
    const { service } = interaction;
    const candidates = await this.picker.candidates(member, service, {
      name: search.nom,
      birthdate: search.naissance || undefined,
    });
    const searching = Boolean(search.nom || search.naissance);
    if (candidates.length === 0 && !searching) await this.opener.refuseEarly(member, service, 'no_mandate');
    return {
      pageTitle: `Se connecter à ${service.name}`,
      uid,
      member,
      service,
      candidates,
      search: { nom: search.nom ?? '', naissance: search.naissance ?? '' },
      searching,
      preselected: interaction.preselectedArea && PROCEDURE_AREA_LABELS[interaction.preselectedArea],
    };
  }

  /**
   * The interaction and the aide for every step: the session check sends the aide to log in (or
   * to re-enter a code after 15 minutes idle) and back here. Null when it redirected.
   */
  private async context(uid: string, req: Request, res: Response) {
    const interaction = await this.interactions.find(uid, req, res);
    const { aideId, structureId } = req.session;
    const member = await this.sessions.requireOrRedirect(req, res, this.subjects.member, {
      stepUp: true,
      returnTo: interaction.path,
      returnAfterLogin: true,
      // Logged in, but the account or its place in the structure was deactivated meanwhile.
      onGone: async () => {
        await this.opener.refuseEarly(
          { aideId: aideId!, structureId: structureId! },
          interaction.service,
          'deactivated',
        );
        throw new DomainException(ErrorCode.AideDeactivated);
      },
    });
    if (!member) return null;
    if (member.actingRefusal) await this.opener.refuseEarly(member, interaction.service, member.actingRefusal);
    assertMayAct(member.actingRefusal);
    return { member, interaction };
  }
}
