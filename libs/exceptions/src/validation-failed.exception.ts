import type { ValidationError } from 'class-validator';

import { DomainException } from './domain.exception.js';
import { ErrorCode } from './enums/error-code.enum.js';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Raised by the global ValidationPipe; lists each bad field and why (never the value). */
export class ValidationFailedException extends DomainException {
  constructor(readonly fields: FieldProblem[]) {
    super(ErrorCode.ValidationFailed, { details: { fields } });
  }

  static fromErrors(errors: ValidationError[], parent = ''): ValidationFailedException {
    const flatten = (list: ValidationError[], prefix: string): FieldProblem[] =>
      list.flatMap((error) => {
        const field = prefix ? `${prefix}.${error.property}` : error.property;
        const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
        return [...own, ...flatten(error.children ?? [], field)];
      });
    return new ValidationFailedException(flatten(errors, parent));
  }
}
