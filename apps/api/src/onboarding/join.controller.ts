import { Body, Controller, Get, Param, Post, Render, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { LoginRateLimitGuard } from '@relais/auth';
import { ErrorCode } from '@relais/exceptions';
import {
  isEditable,
  isOpen,
  plannedAidesText,
  STRUCTURE_REQUEST_STATE_LABELS,
  type StructureRequest,
  StructureRequestsService,
  StructureRequestState,
} from '@relais/onboarding';
import { PROCEDURE_AREA_LABELS, PROCEDURE_AREAS, STRUCTURE_TYPE_LABELS, STRUCTURE_TYPES } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { FormDto } from '../console/dto/forms.dto.js';
import { NewLinkForm, StructureRequestForm } from './dto/onboarding-forms.dto.js';

/** Duplicate and SIRET refusals belong under the SIRET field. */
const SIRET_ERRORS = {
  [ErrorCode.StructureAlreadyExists]: 'siret',
  [ErrorCode.StructureAlreadyRequested]: 'siret',
};

const choices = () => ({
  types: STRUCTURE_TYPES.map((code) => ({ code, label: STRUCTURE_TYPE_LABELS[code] })),
  areas: PROCEDURE_AREAS.map((code) => ({ code, label: PROCEDURE_AREA_LABELS[code] })),
});

const SENT_MESSAGES: Partial<Record<StructureRequestState, string>> = {
  [StructureRequestState.Draft]: 'Le brouillon est enregistré. La demande n’est pas encore envoyée.',
  [StructureRequestState.Submitted]: 'La demande est envoyée. L’équipe Relais va l’étudier.',
  [StructureRequestState.Closed]: 'La demande est retirée. Elle ne sera pas étudiée.',
};

/**
 * Public pages where a structure asks to join Relais, and follows or amends its request by link.
 * Every POST sends an email, so they share the per-IP limit of login attempts (30 per 15 minutes).
 */
@ApiExcludeController()
@Controller('rejoindre')
export class JoinController {
  constructor(private readonly requests: StructureRequestsService) {}

  @Get()
  @Render('onboarding/join.njk')
  form() {
    return { pageTitle: 'Rejoindre Relais', ...choices() };
  }

  @Post()
  @UseGuards(LoginRateLimitGuard)
  @FormPage('onboarding/join.njk', { pageTitle: 'Rejoindre Relais', ...choices() }, SIRET_ERRORS)
  async create(@Body() form: StructureRequestForm, @Res() res: Response) {
    const request = await this.requests.create(form, { submit: form.intent !== 'draft' });
    this.sent(res, request);
  }

  @Get('nouveau-lien')
  @Render('onboarding/new-link.njk')
  newLinkForm() {
    return { pageTitle: 'Recevoir un nouveau lien' };
  }

  @Post('nouveau-lien')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('onboarding/new-link.njk', { pageTitle: 'Recevoir un nouveau lien' })
  async newLink(@Body() form: NewLinkForm, @Res() res: Response) {
    await this.requests.resendLink(form.siret, form.supervisorEmail);
    res.render('onboarding/new-link.njk', { pageTitle: 'Recevoir un nouveau lien', sent: true });
  }

  /** Following the request: as often as wanted while the link is the latest and unused. */
  @Get('demande/:token')
  @Render('onboarding/request.njk')
  async follow(@Param('token') token: string) {
    return this.page(await this.requests.view(token), token);
  }

  /** The request page again after a mistake; a used link gives its own French page instead. */
  async requestPage(req: Request) {
    return this.follow(String(req.params.token));
  }

  @Post('demande/:token')
  @UseGuards(LoginRateLimitGuard)
  @FormPage('onboarding/request.njk', 'requestPage', SIRET_ERRORS)
  async amend(@Param('token') token: string, @Body() form: StructureRequestForm, @Res() res: Response) {
    const request = await this.requests.amend(token, form, { submit: form.intent !== 'draft' });
    this.sent(res, request);
  }

  @Post('demande/:token/retrait')
  @UseGuards(LoginRateLimitGuard)
  async withdraw(@Param('token') token: string, @Body() _form: FormDto, @Res() res: Response) {
    this.sent(res, await this.requests.withdraw(token));
  }

  private page(request: StructureRequest, token: string) {
    return {
      pageTitle: 'Votre demande pour rejoindre Relais',
      request,
      token,
      stateLabel: STRUCTURE_REQUEST_STATE_LABELS[request.state],
      editable: isEditable(request.state),
      open: isOpen(request.state),
      form: {
        siret: request.siret,
        name: request.name,
        address: request.address,
        type: request.type,
        areas: request.areas,
        supervisorGivenName: request.supervisorGivenName,
        supervisorFamilyName: request.supervisorFamilyName,
        supervisorEmail: request.supervisorEmail,
        plannedAides: plannedAidesText(request.plannedAides),
      },
      ...choices(),
    };
  }

  private sent(res: Response, request: StructureRequest) {
    res.status(201).render('onboarding/request-sent.njk', {
      pageTitle: 'Demande enregistrée',
      state: request.state,
      message: SENT_MESSAGES[request.state] ?? 'C’est enregistré.',
    });
  }
}
