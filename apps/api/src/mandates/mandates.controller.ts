import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { assertMayAct } from '@relais/aides';
import { Console, Member, type MemberContext } from '@relais/auth';
import { ProviderGrants } from '@relais/delegation';
import { DomainException, ErrorCode } from '@relais/exceptions';
import {
  AttestationsService,
  ConsentChannel,
  MANDATE_DURATION_LABELS,
  MANDATE_STATE_LABELS,
  MandateDuration,
  MandateQueries,
  MandateRequests,
  MANDATES_PAGE_SIZE,
  RevocationService,
} from '@relais/mandates';
import { PROCEDURE_AREA_LABELS, Structure } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';

import { CONSENT_PATHS } from './consent-journey.js';
import { MandateListQuery, NewMandateForm, RevocationForm } from './dto/mandate-forms.dto.js';
import { sendPdf } from './send-pdf.js';

/** The aide console's mandates: list, creation, detail, revocation, attestations. */
@ApiExcludeController()
@Controller('mandats')
export class MandatesController {
  constructor(
    private readonly requests: MandateRequests,
    private readonly queries: MandateQueries,
    private readonly revocations: RevocationService,
    private readonly attestations: AttestationsService,
    private readonly dataSource: DataSource,
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

  @Get('nouveau')
  @Console()
  @Render('mandates/new.njk')
  async newMandate(@Member() member: MemberContext, @Query('renouvellement') renews?: string) {
    assertMayAct(member.actingRefusal);
    const structure = await this.dataSource.manager.findOneByOrFail(Structure, { id: member.structureId });
    const renewed =
      renews && /^[0-9a-f-]{36}$/i.test(renews) ? await this.queries.detail(member.structureId, renews) : null;
    return {
      pageTitle: renewed ? 'Renouveler un mandat' : 'Nouveau mandat',
      activeNav: 'mandats',
      member,
      areas: structure.areas.map((area) => ({
        code: area,
        label: PROCEDURE_AREA_LABELS[area],
        checked: renewed?.mandate.areas.includes(area) ?? false,
      })),
      durations: Object.values(MandateDuration).map((code) => ({
        code,
        label: MANDATE_DURATION_LABELS[code],
        checked: code === (renewed?.mandate.duration ?? MandateDuration.SixMonths),
      })),
      renewed,
    };
  }

  /** The creation form again, for a form sent with a mistake (FormPage). */
  newMandatePage(req: Request & { member: MemberContext }) {
    const renews = (req.body as { renews?: unknown } | undefined)?.renews;
    return this.newMandate(req.member, typeof renews === 'string' ? renews : undefined);
  }

  @Post()
  @HttpCode(200)
  @Console({ stepUp: true })
  @FormPage('mandates/new.njk', 'newMandatePage')
  async create(
    @Member() member: MemberContext,
    @Body() form: NewMandateForm,
    @Req() req: Request,
    @Res() res: Response,
  ) {
    const { mandate, link } = await this.requests.request({
      structureId: member.structureId,
      aideId: member.aideId,
      areas: form.areas,
      duration: form.duration,
      channel: form.channel,
      renewsMandateId: form.renews ?? null,
    });
    if (form.channel === ConsentChannel.SameDevice) {
      req.session.consent = { mandateId: mandate.id };
      return res.redirect(303, `/mandats/${mandate.id}/identification`);
    }
    res.render('mandates/remote-link.njk', {
      pageTitle: 'Lien pour la personne',
      activeNav: 'mandats',
      link,
      mandateId: mandate.id,
      expiresAt: mandate.remoteExpiresAt,
    });
  }

  /** Same device: the citizen takes the aide's screen and identifies with FranceConnect. */
  @Get(':id/identification')
  @Console()
  @Render('mandates/identification.njk')
  async identification(@Member() member: MemberContext, @Param('id', ParseUUIDPipe) id: string, @Req() req: Request) {
    assertMayAct(member.actingRefusal);
    const mandate = await this.requests.pending(member.structureId, id);
    req.session.consent = { mandateId: mandate.id };
    return {
      pageTitle: 'Identification de la personne',
      structureName: member.structureName,
      startPath: CONSENT_PATHS.start,
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
    return {
      justRevoked: revocation,
      pageTitle: 'Mandat',
      activeNav: 'mandats',
      member,
      detail: await this.queries.detail(member.structureId, id),
      stateLabels: MANDATE_STATE_LABELS,
      durationLabels: MANDATE_DURATION_LABELS,
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
