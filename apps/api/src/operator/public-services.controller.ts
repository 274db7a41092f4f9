import { Body, Controller, Get, Param, Post, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuditActorType } from '@relais/audit';
import { Console, Member } from '@relais/auth';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { PublicServicesService } from '@relais/public-services';
import { PROCEDURE_AREA_LABELS, PROCEDURE_AREAS } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { FormDto } from '../console/dto/forms.dto.js';
import { PublicServiceAreasForm } from './dto/operator-forms.dto.js';

const PAGE = '/operateur/services-publics';

/** Operator pages: the registered public services, their areas, `act` disclosure, disabling one at once. */
@ApiExcludeController()
@Controller('operateur/services-publics')
export class PublicServicesController {
  constructor(private readonly publicServices: PublicServicesService) {}

  @Get()
  @Console({ operator: true })
  @Render('operator/public-services.njk')
  async list() {
    return {
      pageTitle: 'Services publics',
      services: await this.publicServices.list(),
      areas: PROCEDURE_AREAS.map((code) => ({ code, label: PROCEDURE_AREA_LABELS[code] })),
    };
  }

  /** The list again after a mistake, the message on the form of the service that was sent. */
  async servicesPage(req: Request) {
    return { ...(await this.list()), failedClientId: req.params.clientId };
  }

  @Post(':clientId/demarches')
  @Console({ operator: true, stepUp: true })
  @FormPage('operator/public-services.njk', 'servicesPage')
  async setAreas(
    @Member() operator: { id: string },
    @Param('clientId') clientId: string,
    @Body() form: PublicServiceAreasForm,
    @Res() res: Response,
  ) {
    await this.publicServices.setAreas(clientId, form.areas, { type: AuditActorType.Operator, id: operator.id });
    res.redirect(303, PAGE);
  }

  @Post(':clientId/:action')
  @Console({ operator: true, stepUp: true })
  @FormPage('operator/public-services.njk', 'servicesPage')
  async toggle(
    @Member() operator: { id: string },
    @Param('clientId') clientId: string,
    @Param('action') action: string,
    @Body() _form: FormDto,
    @Res() res: Response,
  ) {
    const actor = { type: AuditActorType.Operator, id: operator.id };
    if (action === 'desactivation') await this.publicServices.disable(clientId, actor);
    else if (action === 'reactivation') await this.publicServices.enable(clientId, actor);
    else if (action === 'act-transmis') await this.publicServices.setActDisclosure(clientId, true, actor);
    else if (action === 'act-non-transmis') await this.publicServices.setActDisclosure(clientId, false, actor);
    else throw new DomainException(ErrorCode.NotFound);
    res.redirect(303, PAGE);
  }
}
