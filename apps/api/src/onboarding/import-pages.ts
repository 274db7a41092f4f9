import { ValidationFailedException } from '@relais/exceptions';
import { type ImportPreview, type ImportResult, MAX_IMPORT_BYTES } from '@relais/onboarding';
import { MEMBERSHIP_ROLE_LABELS } from '@relais/aides';
import { uploadLimits } from '@relais/web';

/** multer: one file, in memory, 5 MB at most, few short fields (over a limit: a French 413 before anything is read). */
export const UPLOAD_LIMITS = uploadLimits({ fileSize: MAX_IMPORT_BYTES, files: 1 });

export function requireFile(file: { buffer: Buffer } | undefined): Buffer {
  if (!file || file.buffer.length === 0) {
    throw new ValidationFailedException([
      { field: 'file', problems: ['Choisissez un fichier CSV ou Excel (.xlsx) de la liste des aidants.'] },
    ]);
  }
  return file.buffer;
}

const STATUS_LABELS = { new: 'Nouveau', member: 'Déjà membre', invalid: 'À corriger' } as const;

/** The preview page (supervisor's and operator's alike); `base` is where its confirmation goes. */
export function importPreviewLocals(preview: ImportPreview, base: string) {
  return {
    pageTitle: 'Vérifier l’import',
    base,
    preview,
    statusLabels: STATUS_LABELS,
    roleLabels: MEMBERSHIP_ROLE_LABELS,
    invalidRows: preview.rows.filter((row) => row.status === 'invalid'),
  };
}

export function importResultLocals(result: ImportResult, back: string) {
  return { pageTitle: 'Import terminé', result, back };
}
