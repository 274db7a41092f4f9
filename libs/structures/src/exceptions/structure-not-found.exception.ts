import { DomainException, ErrorCode } from '@relais/exceptions';

/** No structure has this SIRET. */
export class StructureNotFoundException extends DomainException {
  constructor(siret: string) {
    super(ErrorCode.StructureNotFound, { details: { siret } });
  }
}
