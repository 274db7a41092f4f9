import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Console, Member, type MemberContext } from '@relais/auth';
import { ProviderGrants } from '@relais/delegation';
import { DomainException, ErrorCode } from '@relais/exceptions';
import {
  AttestationsService,
  MANDATE_DURATION_LABELS,
  MANDATE_STATE_LABELS,
  MandateQueries,
  MANDATES_PAGE_SIZE,
  RevocationService,
  consentLanguage,
} from '@relais/mandates';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { MandateListQuery, RevocationForm } from './dto/mandate-forms.dto.js';
import { sendPdf } from './send-pdf.js';

/** The aide console's mandates: list, detail, revocation, attestations (creation: MandateCreationController). */
@ApiExcludeController()
@Controller('mandats')
export class MandatesController {
  constructor(
    private readonly queries: MandateQueries,
    private readonly revocations: RevocationService,
    private readonly attestations: AttestationsService,
    private readonly providerGrants: ProviderGrants,
  ) {}

  @Get()
  @Console()
  @Render('mandates/list.njk')
  async list(@Member() member: MemberContext, @Query() query: MandateListQuery) {
    const page = query.page ?? 1;
    const { items, total } = await this.queries.list(member.structureId, {
      name: query.nom,
      state: query.etat || undefined,
      page,
    });
    return {
      pageTitle: 'Mandats',
      activeNav: 'mandats',
      member,
      items,
      total,
      page,
      pages: Math.max(1, Math.ceil(total / MANDATES_PAGE_SIZE)),
      filter: { nom: query.nom ?? '', etat: query.etat ?? '' },
      stateLabels: MANDATE_STATE_LABELS,
    };
  }

  @Get(':id')
  @Console()
  @Render('mandates/detail.njk')
  async detail(
    @Member() member: MemberContext,
    @Param('id', ParseUUIDPipe) id: string,
    @Query('revocation') revocation?: string,
  ) {
    const detail = await this.queries.detail(member.structureId, id);
    const translation = detail.mandate.consentFacts?.translation;
    return {
      justRevoked: revocation,
      pageTitle: 'Mandat',
      activeNav: 'mandats',
      member,
      detail,
      stateLabels: MANDATE_STATE_LABELS,
      durationLabels: MANDATE_DURATION_LABELS,
      // The translation the citizen read beside the French text, if any: "arabe (révision 1)".
      translationRead: translation && {
        language: consentLanguage(translation.lang)?.frenchName ?? translation.lang,
        revision: translation.revision,
      },
    };
  }

  /** The mandate's page again, for a revocation sent with a mistake (FormPage). */
  detailPage(req: Request & { member: MemberContext }) {
    return this.detail(req.member, String(req.params.id));
  }

  @Post(':id/revocation')
  @Console({ stepUp: true })
  @FormPage('mandates/detail.njk', 'detailPage')
  async revoke(
    @Member() member: MemberContext,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() form: RevocationForm,
    @Res() res: Response,
  ) {
    const attestation = await this.revocations.revoke({
      structureId: member.structureId,
      mandateId: id,
      aideId: member.aideId,
      area: form.area,
    });
    // What the mandate opened at public services ends now too.
    await this.providerGrants.endUnusable(id);
    res.redirect(303, `/mandats/${id}?revocation=${attestation.id}`);
  }

  @Get(':id/attestations/:attestationId')
  @Console()
  async download(
    @Member() member: MemberContext,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('attestationId', ParseUUIDPipe) attestationId: string,
    @Res() res: Response,
  ) {
    const found = await this.attestations.pdf(attestationId, member.structureId);
    if (!found || found.attestation.mandateId !== id) throw new DomainException(ErrorCode.NotFound);
    await this.attestations.recordDownload(found.attestation, {
      aideId: member.aideId,
      structureId: member.structureId,
    });
    sendPdf(res, found.pdf, `attestation-${found.attestation.kind}-${found.attestation.code}.pdf`);
  }
}
