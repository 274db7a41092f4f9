import { DomainException, ErrorCode } from '@relais/exceptions';

/** No public service has this client_id. */
export class PublicServiceNotFoundException extends DomainException {
  constructor(clientId: string) {
    super(ErrorCode.PublicServiceNotFound, { details: { clientId } });
  }
}
