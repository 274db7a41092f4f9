import { Body, Controller, Get, Param, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Console, Member } from '@relais/auth';
import { DomainException, ErrorCode } from '@relais/exceptions';
import {
  isOpen,
  REQUESTS_PAGE_SIZE,
  STRUCTURE_REQUEST_STATE_LABELS,
  STRUCTURE_REQUEST_STATES,
  StructureRequestsService,
  type StructureRequestState,
} from '@relais/onboarding';
import {
  DEPARTMENT_NAMES,
  departmentLabel,
  PROCEDURE_AREA_LABELS,
  STRUCTURE_TYPE_LABELS,
  type StructureType,
} from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { OperatorMessageForm, RequestListQuery } from '../onboarding/dto/onboarding-forms.dto.js';

const LIST = '/operateur/demandes';

/** Operator pages: structure requests by state and département, one request, its decisions. */
@ApiExcludeController()
@Controller('operateur/demandes')
export class StructureRequestsController {
  constructor(private readonly requests: StructureRequestsService) {}

  @Get()
  @Console({ operator: true })
  @Render('operator/structure-requests.njk')
  async list(@Query() query: RequestListQuery) {
    const state = STRUCTURE_REQUEST_STATES.find((s) => s === query.etat);
    const department = query.departement && Object.hasOwn(DEPARTMENT_NAMES, query.departement) ? query.departement : '';
    const page = query.page ?? 1;
    const { requests, total } = await this.requests.list({ state, department: department || undefined }, page);
    return {
      page,
      pages: Math.max(1, Math.ceil(total / REQUESTS_PAGE_SIZE)),
      total,
      pageTitle: 'Demandes des structures',
      filter: { state: state ?? '', department },
      states: STRUCTURE_REQUEST_STATES.map((code) => ({ code, label: STRUCTURE_REQUEST_STATE_LABELS[code] })),
      departments: Object.keys(DEPARTMENT_NAMES).map((code) => ({ code, label: departmentLabel(code) })),
      requests: requests.map((request) => ({
        ...request,
        stateLabel: STRUCTURE_REQUEST_STATE_LABELS[request.state],
        departmentLabel: request.department ? departmentLabel(request.department) : 'Inconnu',
      })),
    };
  }

  @Get(':id')
  @Console({ operator: true })
  @Render('operator/structure-request.njk')
  async detail(@Param('id') id: string) {
    const request = await this.requests.get(id);
    return {
      pageTitle: `Demande : ${request.name || request.siret}`,
      request,
      stateLabel: STRUCTURE_REQUEST_STATE_LABELS[request.state as StructureRequestState],
      typeLabel: STRUCTURE_TYPE_LABELS[request.type as StructureType] ?? 'Non indiqué',
      areaLabels: request.areas.map((area) => PROCEDURE_AREA_LABELS[area]),
      departmentLabel: request.department ? departmentLabel(request.department) : 'Inconnu',
      decidable: request.state === 'submitted',
      refusable: request.state === 'submitted' || request.state === 'changes_requested',
      open: isOpen(request.state),
    };
  }

  /** The detail page again after a mistake (a message left empty). */
  detailPage(req: Request) {
    return this.detail(String(req.params.id));
  }

  @Post(':id/:decision')
  @Console({ operator: true, stepUp: true })
  @FormPage('operator/structure-request.njk', 'detailPage')
  async decide(
    @Member() operator: { id: string },
    @Param('id') id: string,
    @Param('decision') decision: string,
    @Body() form: OperatorMessageForm,
    @Res() res: Response,
  ) {
    const actor = { id: operator.id };
    if (decision === 'acceptation') await this.requests.accept(id, actor);
    else if (decision === 'modifications') await this.requests.requestChanges(id, form.message ?? '', actor);
    else if (decision === 'refus') await this.requests.refuse(id, form.message ?? '', actor);
    else if (decision === 'fermeture') await this.requests.close(id, actor);
    else throw new DomainException(ErrorCode.NotFound);
    res.redirect(303, `${LIST}/${id}`);
  }
}
