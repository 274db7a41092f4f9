import {
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Render,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AttestationsService, MANDATE_STATE_LABELS, type AttestationCheck } from '@relais/mandates';
import { ValidationFailedException } from '@relais/exceptions';
import { KeyStore } from '@relais/signing';
import { FormPage, uploadLimits } from '@relais/web';
import type { Response } from 'express';

/** Attestations are small; anything bigger is not one of ours. */
const MAX_ATTESTATION_BYTES = 2 * 1024 * 1024;

/**
 * Public verification of attestations: by code (the QR code leads here), by uploading the PDF,
 * and the public keys to check seals offline.
 */
@ApiTags('attestations')
@Controller()
export class VerificationController {
  constructor(
    private readonly attestations: AttestationsService,
    private readonly keys: KeyStore,
  ) {}

  /** The form; with ?code= (the form's own submission), the result for that code. */
  @Get('verify')
  @Render('mandates/verify.njk')
  async form(@Query('code') code?: string) {
    if (typeof code === 'string' && code.trim()) return this.byCode(code);
    return { pageTitle: 'Vérifier une attestation' };
  }

  @Get('verify/:code')
  @Render('mandates/verify.njk')
  async byCode(@Param('code') code: string) {
    return this.result(await this.attestations.checkCode(code));
  }

  @Post('verify')
  @HttpCode(200)
  @FormPage('mandates/verify.njk', { pageTitle: 'Vérifier une attestation' })
  @UseInterceptors(FileInterceptor('attestation', uploadLimits({ fileSize: MAX_ATTESTATION_BYTES, files: 1 })))
  async byFile(@Res() res: Response, @UploadedFile() file?: { buffer: Buffer }) {
    if (!file) {
      throw new ValidationFailedException([
        { field: 'attestation', problems: ['Choisissez le fichier de l’attestation.'] },
      ]);
    }
    res.render('mandates/verify.njk', this.result(await this.attestations.checkFile(file.buffer)));
  }

  /** The public keys of attestation seals (JWK Set), for offline verification. */
  @Get('attestations/jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JWK Set of every key that ever sealed an attestation (ES256).' })
  jwks() {
    return this.keys.publicJwks();
  }

  private result(check: AttestationCheck) {
    return { pageTitle: 'Résultat de la vérification', check, stateLabels: MANDATE_STATE_LABELS };
  }
}
