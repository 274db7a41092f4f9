import type { ValidationError } from 'class-validator';

import { DomainException } from './domain.exception.js';
import { ErrorCode } from './enums/error-code.enum.js';
import { frenchConstraintMessage } from './validation-messages.js';

export interface FieldProblem {
  field: string;
  problems: string[];
}

/** Raised by the global ValidationPipe; lists each bad field and why, in French (never the value). */
export class ValidationFailedException extends DomainException {
  constructor(readonly fields: FieldProblem[]) {
    super(ErrorCode.ValidationFailed, { details: { fields } });
  }

  static fromErrors(errors: ValidationError[], parent = ''): ValidationFailedException {
    const flatten = (list: ValidationError[], prefix: string): FieldProblem[] =>
      list.flatMap((error) => {
        const field = prefix ? `${prefix}.${error.property}` : error.property;
        // class-validator runs a property's decorators bottom-up: reversed, they read as declared.
        const entries = Object.entries(error.constraints ?? {}).reverse();
        const problems = [...new Set(entries.map(([name, text]) => frenchConstraintMessage(name, text)))];
        const own = problems.length > 0 ? [{ field, problems }] : [];
        return [...own, ...flatten(error.children ?? [], field)];
      });
    return new ValidationFailedException(flatten(errors, parent));
  }
}
