import { DomainException, ErrorCode } from '@relais/exceptions';

/** Not 14 digits, or the check digit is wrong. */
export class InvalidSiretException extends DomainException {
  constructor() {
    super(ErrorCode.InvalidSiret);
  }
}
