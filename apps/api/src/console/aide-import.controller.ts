import { Body, Controller, Get, Post, Render, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import { MembershipRole } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { Console, Member, type MemberContext } from '@relais/auth';
import { AideImportsService, MAX_IMPORT_BYTES } from '@relais/onboarding';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { ImportConfirmForm } from '../onboarding/dto/onboarding-forms.dto.js';
import { importPreviewLocals, importResultLocals, requireFile, UPLOAD_LIMITS } from '../onboarding/import-pages.js';

const BASE = '/responsable/import-aidants';

/** The supervisor imports aides into their own structure: upload, preview, confirm. */
@ApiExcludeController()
@Controller('responsable/import-aidants')
export class AideImportController {
  constructor(private readonly imports: AideImportsService) {}

  @Get()
  @Console({ roles: [MembershipRole.Supervisor] })
  @Render('console/import.njk')
  form(@Member() member: MemberContext) {
    return {
      pageTitle: 'Importer des aidants',
      base: BASE,
      structureName: member.structureName,
      maxBytes: MAX_IMPORT_BYTES,
    };
  }

  uploadPage(req: Request & { member: MemberContext }) {
    return this.form(req.member);
  }

  @Post()
  @Console({ roles: [MembershipRole.Supervisor], stepUp: true })
  @FormPage('console/import.njk', 'uploadPage')
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMITS))
  async upload(@Member() member: MemberContext, @Res() res: Response, @UploadedFile() file?: { buffer: Buffer }) {
    const preview = await this.imports.preview(member.structureId, requireFile(file), actor(member));
    res.render('console/import-preview.njk', importPreviewLocals(preview, BASE));
  }

  @Post('confirmation')
  @Console({ roles: [MembershipRole.Supervisor], stepUp: true })
  async confirm(@Member() member: MemberContext, @Body() form: ImportConfirmForm, @Res() res: Response) {
    const result = await this.imports.confirm(form.importToken, actor(member));
    res.render('console/import-done.njk', importResultLocals(result, '/responsable/aidants'));
  }
}

const actor = (member: MemberContext) => ({ type: AuditActorType.Aide as const, id: member.aideId });
