import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { assertMayAct } from '@relais/aides';
import { Console, Member, type MemberContext } from '@relais/auth';
import {
  ConsentChannel,
  MANDATE_DURATION_LABELS,
  MandateDuration,
  MandateQueries,
  MandateRequests,
} from '@relais/mandates';
import { PROCEDURE_AREA_LABELS, Structure } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';

import { CONSENT_PATHS } from './consent-journey.js';
import { NewMandateForm } from './dto/mandate-forms.dto.js';

/**
 * Creating a mandate in the aide console: the form (or its renewal), the request, and handing the
 * screen to the citizen (same device) or the single-use link (remote). Registered before
 * MandatesController so that /mandats/nouveau is not taken for a mandate id.
 */
@ApiExcludeController()
@Controller('mandats')
export class MandateCreationController {
  constructor(
    private readonly requests: MandateRequests,
    private readonly queries: MandateQueries,
    private readonly dataSource: DataSource,
  ) {}

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
}
