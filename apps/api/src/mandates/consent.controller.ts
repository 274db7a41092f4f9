import { Body, Controller, Get, HttpCode, Inject, Param, Post, Render, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { RELAIS_CONFIG, type RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { FRANCECONNECT_CALLBACK_PATH, FranceConnectClient } from '@relais/france-connect';
import { AttestationsService, ConsentChannel, ConsentService, MandateRequests } from '@relais/mandates';
import { ProcedureArea } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { chosenLanguage, CONSENT_PATHS, currentJourney, identifiedJourney } from './consent-journey.js';
import { ConsentForm } from './dto/mandate-forms.dto.js';
import { sendPdf } from './send-pdf.js';

/**
 * The citizen's pages: the remote link, FranceConnect identification, the consent page and the
 * decision. No console login here: the journey in the session says which mandate is being decided.
 */
@ApiExcludeController()
@Controller()
export class ConsentController {
  constructor(
    private readonly requests: MandateRequests,
    private readonly consents: ConsentService,
    private readonly attestations: AttestationsService,
    private readonly franceConnect: FranceConnectClient,
    @Inject(RELAIS_CONFIG) private readonly config: RelaisConfig,
  ) {}

  /** The link the aide gave: who asks, for what, and the FranceConnect button. */
  @Get('consentement/lien/:token')
  @Render('mandates/remote-welcome.njk')
  async remoteLink(@Param('token') token: string, @Req() req: Request) {
    const mandate = await this.requests.openRemoteLink(token);
    req.session.consent = { mandateId: mandate.id };
    return { pageTitle: 'Donner votre accord', startPath: CONSENT_PATHS.start };
  }

  @Get('consentement/franceconnect')
  async startFranceConnect(@Req() req: Request, @Res() res: Response) {
    const journey = currentJourney(req);
    const { url, transaction } = await this.franceConnect.authorizationRequest();
    req.session.consent = { mandateId: journey.mandateId, franceConnect: transaction };
    res.redirect(303, url.href);
  }

  @Get(FRANCECONNECT_CALLBACK_PATH.slice(1))
  async callback(@Req() req: Request, @Res() res: Response) {
    const journey = currentJourney(req);
    const transaction = journey.franceConnect;
    if (!transaction) throw new DomainException(ErrorCode.ConsentNotStarted);
    // One callback per authorization request, whatever happens next.
    req.session.consent = { mandateId: journey.mandateId };
    const identity = await this.franceConnect.identify(new URL(req.originalUrl, this.config.ISSUER), transaction);
    const citizen = await this.requests.identify(journey.mandateId, identity);
    req.session.consent = {
      mandateId: journey.mandateId,
      citizenId: citizen.id,
      identification: {
        acr: identity.acr,
        authTime: identity.authTime?.toISOString() ?? null,
        idTokenDigest: identity.idTokenDigest,
      },
    };
    res.redirect(303, CONSENT_PATHS.page);
  }

  /** The consent text; `?langue=ar` shows its translation beside the French (a plain GET form chooses it). */
  @Get('consentement')
  @Render('mandates/consent.njk')
  async consentPage(@Req() req: Request) {
    const journey = identifiedJourney(req);
    const lang = chosenLanguage(req);
    return this.consentLocals(await this.consents.page(journey.mandateId, journey.citizenId, new Date(), lang));
  }

  @Post('consentement')
  @HttpCode(200)
  @FormPage('mandates/consent.njk', 'consentPage')
  async decide(@Body() form: ConsentForm, @Req() req: Request, @Res() res: Response) {
    const journey = identifiedJourney(req);
    if (form.decision === 'refuser') {
      const mandate = await this.consents.refuse(journey.mandateId, journey.citizenId);
      req.session.consent = { mandateId: mandate.id, decision: 'refused' };
      return res.render('mandates/consent-done.njk', {
        pageTitle: 'Vous avez refusé',
        refused: true,
        ...this.back(mandate.channel),
      });
    }
    const identification = journey.identification!;
    const outcome = await this.consents.consent({
      mandateId: journey.mandateId,
      citizenId: journey.citizenId,
      textVersion: form.version,
      textDigest: form.digest,
      translation: form.langue ? { lang: form.langue, digest: form.traduction ?? '' } : null,
      identification: {
        acr: identification.acr,
        authTime: identification.authTime ? new Date(identification.authTime) : null,
        idTokenDigest: identification.idTokenDigest,
      },
    });
    if (outcome === 'text_changed') {
      const page = await this.consents.page(journey.mandateId, journey.citizenId, new Date(), form.langue || null);
      return res.status(409).render('mandates/consent.njk', { ...this.consentLocals(page), textChanged: true });
    }
    req.session.consent = {
      mandateId: outcome.mandate.id,
      attestationId: outcome.attestation.id,
      decision: 'accepted',
    };
    res.render('mandates/consent-done.njk', {
      pageTitle: 'C’est fait : votre accord est enregistré',
      expiresAt: outcome.mandate.expiresAt,
      attestationPath: CONSENT_PATHS.attestation,
      ...this.back(outcome.mandate.channel, outcome.mandate.id),
    });
  }

  /** The citizen's copy, in the session that consented. */
  @Get('consentement/attestation.pdf')
  async citizenCopy(@Req() req: Request, @Res() res: Response) {
    const attestationId = req.session.consent?.attestationId;
    const found = attestationId && (await this.attestations.pdf(attestationId));
    if (!found) throw new DomainException(ErrorCode.NotFound);
    await this.attestations.recordDownload(found.attestation, {});
    sendPdf(res, found.pdf, `attestation-mandat-${found.attestation.code}.pdf`);
  }

  private consentLocals(page: Awaited<ReturnType<ConsentService['page']>>) {
    const translation = page.facts.translation;
    return {
      pageTitle: 'Votre accord',
      citizen: page.citizen,
      paragraphs: page.facts.text.paragraphs,
      version: page.facts.text.version,
      digest: page.textDigest,
      replacedAreas: page.replacedAreas,
      languages: page.languages,
      translation: translation && {
        ...translation,
        language: page.languages.find((language) => language.code === translation.lang),
      },
      translationDigest: page.translationDigest,
      moneyWarning: page.facts.areas.some((area) => area.code === ProcedureArea.Money),
    };
  }

  /** Where the aide goes next on the same device; the citizen's own device just ends there. */
  private back(channel: ConsentChannel, mandateId?: string) {
    return {
      sameDevice: channel === ConsentChannel.SameDevice,
      mandatePath: mandateId ? `/mandats/${mandateId}` : '/mandats',
    };
  }
}
