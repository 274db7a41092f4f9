import { BadRequestException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';

import { DomainException } from './domain.exception.js';
import { uploadLimitException } from './upload-limit.js';

const multerError = (code: string) => Object.assign(new Error(code), { name: 'MulterError', code });

describe('uploadLimitException', () => {
  it.each([
    [
      'LIMIT_FILE_SIZE',
      new PayloadTooLargeException('File too large', { cause: multerError('LIMIT_FILE_SIZE') }),
      'Un fichier dépasse la taille permise.',
    ],
    [
      'LIMIT_FILE_COUNT',
      new BadRequestException('Too many files', { cause: multerError('LIMIT_FILE_COUNT') }),
      'Le formulaire contient trop de fichiers.',
    ],
    [
      'LIMIT_PART_COUNT',
      new BadRequestException('Too many parts', { cause: multerError('LIMIT_PART_COUNT') }),
      'Le formulaire contient trop d’éléments.',
    ],
  ])('given multer’s %s, then it becomes the French 413 upload_too_large', (_code, exception, text) => {
    const mapped = uploadLimitException(exception) as DomainException;

    expect(mapped).toBeInstanceOf(DomainException);
    expect(mapped.status).toBe(413);
    expect(mapped.code).toBe('upload_too_large');
    expect(mapped.userMessage).toContain(text);
  });

  it('given another HTTP error or a multer error that is no limit, then it is left as it is', () => {
    const notFound = new NotFoundException();
    const unexpected = new BadRequestException('Unexpected file field', {
      cause: multerError('LIMIT_UNEXPECTED_FILE'),
    });

    expect(uploadLimitException(notFound)).toBe(notFound);
    expect(uploadLimitException(unexpected)).toBe(unexpected);
  });
});
