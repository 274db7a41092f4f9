import { AuditAction } from '@relais/audit';
import { frenchDateTime } from '@relais/dates';
import {
  AUDIT_ACTION_LABELS,
  type ReportExport,
  ReportExports,
  type ReportRequest,
  type ReportRequester,
} from '@relais/reports';
import { PROCEDURE_AREA_LABELS, PROCEDURE_AREAS } from '@relais/structures';
import type { Response } from 'express';

import type { ReportFiltersForm } from './report-forms.dto.js';

/** The form's fields as the reports library reads them. */
export const toRequest = (form: ReportFiltersForm): ReportRequest => ({
  siret: form.siret,
  from: form.du,
  to: form.au,
  aideId: form.aidant,
  citizenId: form.usager,
  area: form.demarche,
  action: form.action,
});

/** Choices of the form's lists (labels in French, sorted). */
export const FORM_CHOICES = {
  areas: PROCEDURE_AREAS.map((code) => ({ code, label: PROCEDURE_AREA_LABELS[code] })),
  actions: Object.values(AuditAction)
    .map((code) => ({ code, label: AUDIT_ACTION_LABELS[code] }))
    .sort((a, b) => a.label.localeCompare(b.label, 'fr')),
};

/** The first day of last month and today, as the form's default period (YYYY-MM-DD, Paris). */
export function defaultPeriod(now = new Date()) {
  const day = (date: Date) => date.toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
  const today = day(now);
  const [year, month] = today.split('-').map(Number);
  const first = month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`;
  return { du: first, au: today };
}

/**
 * The progress page's locals: until done it refreshes itself every 2 s (meta refresh, no script),
 * unless the person turned that off (`?actualisation=non`, WCAG 2.2.1: a time limit one can turn off).
 */
export function progressLocals(item: ReportExport, base: string, actualisation?: string) {
  const pending = item.status === 'queued' || item.status === 'running';
  return {
    pageTitle: 'Export du journal',
    item,
    base,
    pending,
    refresh: pending && actualisation !== 'non',
    expiresAt: frenchDateTime(item.expiresAt),
  };
}

/** Streams a stored export (or its signature) to the browser. */
export async function sendExport(res: Response, file: Awaited<ReturnType<ReportExports['open']>>, type: string) {
  res.status(200).set({
    'content-type': type,
    'content-length': String(file.size),
    'content-disposition': `attachment; filename="${file.fileName}"`,
    'cache-control': 'no-store',
  });
  file.stream.pipe(res);
}

export type { ReportRequester };
