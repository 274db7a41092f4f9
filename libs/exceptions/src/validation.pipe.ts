import { ValidationPipe } from '@nestjs/common';

import { ValidationFailedException } from './validation-failed.exception.js';

/** The global pipe: unknown fields are refused, not silently dropped. */
export function relaisValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => ValidationFailedException.fromErrors(errors),
  });
}
