import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Console, Member, type Operator } from '@relais/auth';
import { DomainException, ValidationFailedException } from '@relais/exceptions';
import { ReportExports, ReportFormat, type ReportRequester } from '@relais/reports';
import { FormPage } from '@relais/web';
import type { Response } from 'express';

import { ReportExportForm, ReportFiltersForm } from './report-forms.dto.js';
import { defaultPeriod, FORM_CHOICES, progressLocals, sendExport, toRequest } from './report-pages.js';

const BASE = '/operateur/rapports';
const LOCALS = { pageTitle: 'Exporter le journal d’une structure', base: BASE, operator: true, ...FORM_CHOICES };

const requesterOf = (operator: Operator): ReportRequester => ({ type: 'operator', aideId: operator.id });

/** The operator's journal exports: any structure, by SIRET. */
@ApiExcludeController()
@Controller('operateur/rapports')
export class OperatorReportsController {
  constructor(private readonly exports: ReportExports) {}

  @Get()
  @Console({ operator: true })
  async form(@Member() operator: Operator, @Query() query: ReportFiltersForm, @Res() res: Response) {
    if (!query.du && !query.au && !query.siret)
      return res.render('reports/form.njk', { ...LOCALS, values: defaultPeriod() });
    try {
      const preview = await this.exports.preview(requesterOf(operator), toRequest(query));
      res.render('reports/form.njk', { ...LOCALS, values: query, preview });
    } catch (error) {
      // A SIRET that is malformed or unknown is a mistake in the form, not an error page.
      if (!(error instanceof DomainException) || error.status >= 500 || error.status === 403) throw error;
      const fields =
        error instanceof ValidationFailedException ? error.fields : [{ field: 'siret', problems: [error.userMessage] }];
      res.status(400).render('reports/form.njk', {
        ...LOCALS,
        values: query,
        errors: Object.fromEntries(fields.map(({ field, problems }) => [field, problems[0]])),
        errorSummary: {
          title: 'Le formulaire contient une erreur',
          items: fields.map(({ field, problems }) => ({ field, message: problems[0] })),
        },
      });
    }
  }

  @Post()
  @Console({ operator: true })
  @FormPage('reports/form.njk', LOCALS)
  async export(@Member() operator: Operator, @Body() form: ReportExportForm, @Res() res: Response) {
    const id = await this.exports.request(requesterOf(operator), toRequest(form), form.format as ReportFormat);
    res.redirect(303, `${BASE}/${id}`);
  }

  @Get(':id')
  @Console({ operator: true })
  async progress(
    @Member() operator: Operator,
    @Param('id') id: string,
    @Query('actualisation') actualisation: string | undefined,
    @Res() res: Response,
  ) {
    const item = await this.exports.find(requesterOf(operator), id);
    res.render('reports/progress.njk', progressLocals(item, BASE, actualisation));
  }

  @Get(':id/fichier')
  @Console({ operator: true })
  async file(@Member() operator: Operator, @Param('id') id: string, @Res() res: Response) {
    const file = await this.exports.open(requesterOf(operator), id, 'file');
    await sendExport(res, file, file.fileName.endsWith('.pdf') ? 'application/pdf' : 'text/csv; charset=utf-8');
  }

  @Get(':id/signature')
  @Console({ operator: true })
  async signature(@Member() operator: Operator, @Param('id') id: string, @Res() res: Response) {
    await sendExport(res, await this.exports.open(requesterOf(operator), id, 'signature'), 'application/jose');
  }
}
