import { DomainException, ErrorCode } from '@relais/exceptions';

/** One or more area codes are not in the catalogue: the message names them and the valid codes. */
export class UnknownProcedureAreaException extends DomainException {
  constructor(
    readonly unknown: readonly string[],
    known: readonly string[],
  ) {
    const quoted = unknown.map((code) => `« ${code} »`).join(', ');
    const label = unknown.length > 1 ? 'Démarches inconnues' : 'Démarche inconnue';
    super(ErrorCode.UnknownProcedureArea, {
      details: { unknown },
      params: { label, unknown: quoted, known: known.join(', ') },
    });
  }
}
