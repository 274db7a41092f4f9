import { Controller, Get, HttpCode, Post, Render, Res, UploadedFiles, UseInterceptors } from '@nestjs/common';
import { FileFieldsInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import { ValidationFailedException } from '@relais/exceptions';
import { ReportVerifier, verificationText } from '@relais/reports';
import { FormPage, uploadLimits } from '@relais/web';
import type { Response } from 'express';

/** Uploads up to this size; bigger exports are checked with `npm run cli -- report:verify`. */
const MAX_REPORT_BYTES = 50 * 1024 * 1024;

const PAGE = { pageTitle: 'Vérifier un rapport du journal' };

type Uploads = { rapport?: { buffer: Buffer }[]; signature?: { buffer: Buffer }[] };

/**
 * Anyone holding an export (an inspector, a court, the structure) checks it here: genuine
 * (platform signature), complete (the chain), and which row was altered or is missing. Public
 * and stateless like /verify, hence no session and no CSRF token (the upload is multipart).
 */
@ApiExcludeController()
@Controller('verify/rapport')
export class ReportVerificationController {
  constructor(private readonly verifier: ReportVerifier) {}

  @Get()
  @Render('reports/verify.njk')
  form() {
    return PAGE;
  }

  @Post()
  @HttpCode(200)
  @FormPage('reports/verify.njk', PAGE)
  @UseInterceptors(
    FileFieldsInterceptor(
      [
        { name: 'rapport', maxCount: 1 },
        { name: 'signature', maxCount: 1 },
      ],
      uploadLimits({ fileSize: MAX_REPORT_BYTES, files: 2 }),
    ),
  )
  async verify(@Res() res: Response, @UploadedFiles() files: Uploads = {}) {
    const report = files.rapport?.[0];
    const signature = files.signature?.[0];
    const problems = [
      ...(report ? [] : [{ field: 'rapport', problems: ['Choisissez le fichier du rapport (PDF ou CSV).'] }]),
      ...(signature ? [] : [{ field: 'signature', problems: ['Choisissez le fichier de signature (.jws).'] }]),
    ];
    if (problems.length > 0) throw new ValidationFailedException(problems);
    const result = await this.verifier.verify(report!.buffer, signature!.buffer.toString('utf8'));
    res.render('reports/verify.njk', { ...PAGE, result, text: verificationText(result) });
  }
}
