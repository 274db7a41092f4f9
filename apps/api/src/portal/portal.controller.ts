import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { AttestationsService } from '@relais/mandates';
import { CitizenRevocation, MandateUses, MyMandates, type CitizenPrincipal } from '@relais/portal';
import { ReportExports } from '@relais/reports';
import { PROCEDURE_AREA_LABELS } from '@relais/structures';
import type { Response } from 'express';

import { sendPdf } from '../mandates/send-pdf.js';
import { CitizenPage, CurrentCitizen } from './citizen-session.js';
import { StopForm, StopQuery, UsesQuery } from './dto/portal-forms.dto.js';

/** The citizen portal: my mandates, every use of one, stopping it, its attestations. */
@ApiExcludeController()
@Controller('usager')
@CitizenPage()
export class PortalController {
  constructor(
    private readonly mandates: MyMandates,
    private readonly uses: MandateUses,
    private readonly revocations: CitizenRevocation,
    private readonly attestations: AttestationsService,
    private readonly reports: ReportExports,
  ) {}

  @Get()
  @Render('portal/home.njk')
  async home(@CurrentCitizen() citizen: CitizenPrincipal) {
    return { pageTitle: 'Mes mandats', citizen, mandates: await this.mandates.list(citizen.citizenId) };
  }

  @Get('mandats/:id')
  @Render('portal/mandate.njk')
  async mandate(
    @CurrentCitizen() citizen: CitizenPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: UsesQuery,
  ) {
    const mandate = await this.mandates.one(citizen.citizenId, id);
    const history = await this.uses.page(citizen.citizenId, id, query.page ?? 1);
    return { pageTitle: `Mon mandat avec ${mandate.structure.name}`, citizen, mandate, history };
  }

  @Get('mandats/:id/arret')
  @Render('portal/stop-confirm.njk')
  async confirmStop(
    @CurrentCitizen() citizen: CitizenPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: StopQuery,
  ) {
    const mandate = await this.mandates.one(citizen.citizenId, id);
    const area = query.demarche && mandate.areas.find((candidate) => candidate.area === query.demarche);
    if (query.demarche && !area) throw new DomainException(ErrorCode.CitizenMandateNotFound);
    return {
      pageTitle: area ? `Arrêter la démarche ${area.label}` : 'Arrêter tout le mandat',
      citizen,
      mandate,
      area: area || null,
      otherAreas: mandate.areas.filter((candidate) => candidate.usable && candidate !== area),
    };
  }

  @Post('mandats/:id/arret')
  @HttpCode(200)
  @Render('portal/stop-done.njk')
  async stop(
    @CurrentCitizen() citizen: CitizenPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: StopForm,
  ) {
    const outcome = await this.revocations.revoke(citizen.citizenId, id, form.area);
    const mandate = await this.mandates.one(citizen.citizenId, id);
    return {
      pageTitle: 'alreadyDone' in outcome ? 'C’est déjà fait' : 'C’est fait : c’est arrêté',
      citizen,
      mandate,
      areaLabel: form.area ? PROCEDURE_AREA_LABELS[form.area] : null,
      alreadyDone: 'alreadyDone' in outcome,
      attestationId: 'done' in outcome ? outcome.done.id : null,
    };
  }

  @Get('mandats/:id/attestations/:attestationId')
  async attestation(
    @CurrentCitizen() citizen: CitizenPrincipal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('attestationId', ParseUUIDPipe) attestationId: string,
    @Res() res: Response,
  ) {
    const { attestation, pdf } = await this.mandates.attestation(citizen.citizenId, id, attestationId);
    await this.attestations.recordDownload(attestation, { citizenId: citizen.citizenId });
    sendPdf(res, pdf, `attestation-${attestation.kind}-${attestation.code}.pdf`);
  }

  /** Everything done under my mandates, as a PDF to keep (libs/reports). */
  @Get('releve.pdf')
  async statement(@CurrentCitizen() citizen: CitizenPrincipal, @Res() res: Response) {
    const { pdf, fileName } = await this.reports.citizenCopy(citizen.citizenId);
    sendPdf(res, pdf, fileName);
  }
}
