import { Body, Controller, Get, Post, Render, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiExcludeController } from '@nestjs/swagger';
import { AuditActorType } from '@relais/audit';
import { Console, Member } from '@relais/auth';
import { AideImportsService, MAX_IMPORT_BYTES } from '@relais/onboarding';
import { StructuresService } from '@relais/structures';
import { FormPage } from '@relais/web';
import type { Response } from 'express';

import { ImportConfirmForm, OperatorImportForm } from '../onboarding/dto/onboarding-forms.dto.js';
import { importPreviewLocals, importResultLocals, requireFile, UPLOAD_LIMITS } from '../onboarding/import-pages.js';

const BASE = '/operateur/import-aidants';

/** The operator imports aides into any structure: choose it, upload, preview, confirm. */
@ApiExcludeController()
@Controller('operateur/import-aidants')
export class OperatorAideImportController {
  constructor(
    private readonly imports: AideImportsService,
    private readonly structures: StructuresService,
  ) {}

  @Get()
  @Console({ operator: true })
  @Render('console/import.njk')
  async form() {
    const structures = await this.structures.list();
    return {
      pageTitle: 'Importer des aidants dans une structure',
      base: BASE,
      structures: structures.map((s) => ({ id: s.id, label: `${s.name} (SIRET ${s.siret})` })),
      maxBytes: MAX_IMPORT_BYTES,
    };
  }

  uploadPage() {
    return this.form();
  }

  @Post()
  @Console({ operator: true, stepUp: true })
  @FormPage('console/import.njk', 'uploadPage')
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMITS))
  async upload(
    @Member() operator: { id: string },
    @Body() form: OperatorImportForm,
    @Res() res: Response,
    @UploadedFile() file?: { buffer: Buffer },
  ) {
    const preview = await this.imports.preview(form.structureId, requireFile(file), actor(operator));
    res.render('console/import-preview.njk', importPreviewLocals(preview, BASE));
  }

  @Post('confirmation')
  @Console({ operator: true, stepUp: true })
  async confirm(@Member() operator: { id: string }, @Body() form: ImportConfirmForm, @Res() res: Response) {
    const result = await this.imports.confirm(form.importToken, actor(operator));
    res.render('console/import-done.njk', importResultLocals(result, '/operateur/demandes'));
  }
}

const actor = (operator: { id: string }) => ({ type: AuditActorType.Operator as const, id: operator.id });
