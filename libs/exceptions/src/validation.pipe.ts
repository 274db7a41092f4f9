import { ValidationPipe } from '@nestjs/common';

import { ValidationFailedException } from './validation-failed.exception.js';

/**
 * The global pipe: unknown fields are refused, not silently dropped; class-validator's English
 * default messages are dismissed (ValidationFailedException gives French ones instead).
 */
export function relaisValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    dismissDefaultMessages: true,
    exceptionFactory: (errors) => ValidationFailedException.fromErrors(errors),
  });
}
