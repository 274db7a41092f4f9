import { DomainException, ErrorCode } from '@relais/exceptions';

/** A structure with this SIRET is already registered. */
export class StructureAlreadyExistsException extends DomainException {
  constructor(siret: string) {
    super(ErrorCode.StructureAlreadyExists, { details: { siret } });
  }
}
