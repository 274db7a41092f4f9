import { Body, Controller, Get, Post, Render, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Console, Member } from '@relais/auth';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { CONSENT_LANGUAGES, ConsentTranslations, publishedConsentTextVersions } from '@relais/mandates';
import { FormPage } from '@relais/web';
import type { Response } from 'express';

import { ConsentTranslationForm } from './dto/consent-translation-form.dto.js';

const PAGE = '/operateur/traductions';

/** Operator page: the translations of the consent text, and adding one (as `consent:translation:add`). */
@ApiExcludeController()
@Controller('operateur/traductions')
export class ConsentTranslationsController {
  constructor(private readonly translations: ConsentTranslations) {}

  @Get()
  @Console({ operator: true })
  @Render('operator/consent-translations.njk')
  async list() {
    const languages = new Map(CONSENT_LANGUAGES.map((language) => [language.code, language]));
    return {
      pageTitle: 'Traductions du texte d’accord',
      translations: (await this.translations.list()).map((row) => ({
        textVersion: row.textVersion,
        language: languages.get(row.lang)?.frenchName ?? row.lang,
        revision: row.revision,
        reviewed: row.reviewed,
        digest: row.digest,
        createdAt: row.createdAt,
      })),
      versions: publishedConsentTextVersions().reverse(),
      languages: CONSENT_LANGUAGES,
    };
  }

  @Post()
  @Console({ operator: true, stepUp: true })
  @FormPage('operator/consent-translations.njk', 'list', { [ErrorCode.ConsentTranslationInvalid]: 'content' })
  async add(
    /** On operator pages the request carries the operator (an aide account with the operator flag). */
    @Member() operator: { id: string },
    @Body() form: ConsentTranslationForm,
    @Res() res: Response,
  ) {
    let input: unknown;
    try {
      input = JSON.parse(form.content);
    } catch (cause) {
      throw new DomainException(ErrorCode.ConsentTranslationInvalid, {
        params: { reason: 'le contenu n’est pas du JSON valide.' },
        cause,
      });
    }
    await this.translations.add(form.version, form.lang, input, {
      reviewed: form.reviewed === 'oui',
      operatorId: operator.id,
    });
    res.redirect(303, PAGE);
  }
}
