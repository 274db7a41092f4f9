import { type ArgumentMetadata, ValidationPipe } from '@nestjs/common';

import { hostileTextProblems } from './hostile-text.js';
import { ValidationFailedException } from './validation-failed.exception.js';

/** Inputs a client controls (not @Req-derived custom parameters such as the member). */
const CLIENT_INPUT = new Set<ArgumentMetadata['type']>(['body', 'query', 'param']);

/**
 * The global pipe: unknown fields are refused, not silently dropped; class-validator's English
 * default messages are dismissed (ValidationFailedException gives French ones instead). Before
 * that, every body, query and path parameter is refused if it holds a prototype key or an unsafe
 * character (hostile-text.ts), whether or not a DTO describes it.
 */
export class RelaisValidationPipe extends ValidationPipe {
  constructor() {
    super({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      validationError: { target: false, value: false },
      dismissDefaultMessages: true,
      exceptionFactory: (errors) => ValidationFailedException.fromErrors(errors),
    });
  }

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (CLIENT_INPUT.has(metadata.type)) {
      const problems = hostileTextProblems(value, metadata.type === 'body' ? '' : (metadata.data ?? ''));
      if (problems.length > 0) throw new ValidationFailedException(problems);
    }
    return super.transform(value, metadata);
  }
}

export function relaisValidationPipe(): ValidationPipe {
  return new RelaisValidationPipe();
}
