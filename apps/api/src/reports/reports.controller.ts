import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { MembershipRole } from '@relais/aides';
import { Console, Member, type MemberContext } from '@relais/auth';
import { ValidationFailedException } from '@relais/exceptions';
import { ReportExports, ReportFormat, type ReportRequester, ReportScope } from '@relais/reports';
import { FormPage } from '@relais/web';
import type { Request, Response } from 'express';

import { ReportExportForm, ReportFiltersForm } from './report-forms.dto.js';
import { defaultPeriod, FORM_CHOICES, progressLocals, sendExport, toRequest } from './report-pages.js';

const BASE = '/rapports';

const requesterOf = (member: MemberContext): ReportRequester => ({
  type: 'aide',
  aideId: member.aideId,
  structureId: member.structureId,
  role: member.role,
});

/**
 * The journal export pages of the console: an aide exports their own actions, a supervisor their
 * structure's. The scope itself is ReportScope's (libs/reports), whatever the form sends.
 */
@ApiExcludeController()
@Controller('rapports')
export class ReportsController {
  constructor(
    private readonly exports: ReportExports,
    private readonly scope: ReportScope,
  ) {}

  /** The form; with a period in the query (its "Compter" button), the number of entries too. */
  @Get()
  @Console()
  async form(@Member() member: MemberContext, @Query() query: ReportFiltersForm, @Res() res: Response) {
    const locals = await this.formLocals(member);
    if (!query.du && !query.au) return res.render('reports/form.njk', { ...locals, values: defaultPeriod() });
    try {
      const preview = await this.exports.preview(requesterOf(member), toRequest(query));
      res.render('reports/form.njk', { ...locals, values: query, preview });
    } catch (error) {
      if (!(error instanceof ValidationFailedException)) throw error;
      const errors = Object.fromEntries(error.fields.map(({ field, problems }) => [field, problems[0]]));
      const items = error.fields.map(({ field, problems }) => ({ field, message: problems[0] }));
      res.status(400).render('reports/form.njk', {
        ...locals,
        values: query,
        errors,
        errorSummary: { title: 'Le formulaire contient une erreur', items },
      });
    }
  }

  async formLocals(member: MemberContext) {
    const supervisor = member.role === MembershipRole.Supervisor;
    return {
      pageTitle: 'Exporter le journal',
      member,
      base: BASE,
      supervisor,
      ...FORM_CHOICES,
      ...(supervisor ? await this.scope.choices(member.structureId) : { aides: [], citizens: [] }),
    };
  }

  /** The form again after a mistake (FormPage). */
  formPage(req: Request & { member: MemberContext }) {
    return this.formLocals(req.member);
  }

  @Post()
  @Console()
  @FormPage('reports/form.njk', 'formPage')
  async export(@Member() member: MemberContext, @Body() form: ReportExportForm, @Res() res: Response) {
    const id = await this.exports.request(requesterOf(member), toRequest(form), form.format as ReportFormat);
    res.redirect(303, `${BASE}/${id}`);
  }

  @Get(':id')
  @Console()
  async progress(
    @Member() member: MemberContext,
    @Param('id') id: string,
    @Query('actualisation') actualisation: string | undefined,
    @Res() res: Response,
  ) {
    const item = await this.exports.find(requesterOf(member), id);
    res.render('reports/progress.njk', progressLocals(item, BASE, actualisation));
  }

  @Get(':id/fichier')
  @Console()
  async file(@Member() member: MemberContext, @Param('id') id: string, @Res() res: Response) {
    const file = await this.exports.open(requesterOf(member), id, 'file');
    await sendExport(res, file, file.fileName.endsWith('.pdf') ? 'application/pdf' : 'text/csv; charset=utf-8');
  }

  @Get(':id/signature')
  @Console()
  async signature(@Member() member: MemberContext, @Param('id') id: string, @Res() res: Response) {
    await sendExport(res, await this.exports.open(requesterOf(member), id, 'signature'), 'application/jose');
  }
}
