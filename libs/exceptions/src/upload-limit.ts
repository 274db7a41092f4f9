import { HttpException } from '@nestjs/common';

import { DomainException } from './domain.exception.js';
import { ErrorCode } from './enums/error-code.enum.js';

/** What the person reads for each multer limit (multer names them by `code`). */
const UPLOAD_LIMIT_TEXTS: Record<string, string> = {
  LIMIT_FILE_SIZE: 'Un fichier dépasse la taille permise.',
  LIMIT_FILE_COUNT: 'Le formulaire contient trop de fichiers.',
  LIMIT_FIELD_COUNT: 'Le formulaire contient trop de champs.',
  LIMIT_FIELD_VALUE: 'Un champ du formulaire est trop long.',
  LIMIT_FIELD_KEY: 'Un nom de champ du formulaire est trop long.',
  LIMIT_PART_COUNT: 'Le formulaire contient trop d’éléments.',
};

/**
 * An upload over one of its multer limits (Nest gives a 400 or 413 HttpException whose cause is
 * multer's error) as the French 413 `upload_too_large`; anything else unchanged.
 */
export function uploadLimitException(exception: unknown): unknown {
  if (!(exception instanceof HttpException)) return exception;
  const code = (exception.cause as { code?: unknown } | undefined)?.code;
  const text = typeof code === 'string' ? UPLOAD_LIMIT_TEXTS[code] : undefined;
  return text
    ? new DomainException(ErrorCode.UploadTooLarge, { params: { limit: text }, cause: exception })
    : exception;
}
