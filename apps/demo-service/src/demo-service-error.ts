import { HttpStatus } from '@nestjs/common';

/** Why a login did not go through; each code has its HTTP status and its sentence for the user. */
export const DEMO_SERVICE_ERRORS = {
  transaction_missing: {
    status: HttpStatus.BAD_REQUEST,
    title: 'Connexion impossible',
    message:
      'Cette demande de connexion a expiré ou a déjà été utilisée. Recommencez la connexion depuis l’accueil du service.',
  },
  state_mismatch: {
    status: HttpStatus.BAD_REQUEST,
    title: 'Connexion refusée',
    message:
      'La réponse reçue ne correspond pas à la demande de connexion en cours. Par sécurité, le service l’a refusée. Recommencez la connexion.',
  },
  access_denied: {
    status: HttpStatus.FORBIDDEN,
    title: 'Connexion annulée',
    message: 'La connexion a été annulée. Le service n’a reçu aucune information sur l’usager.',
  },
  authorization_error: {
    status: HttpStatus.BAD_REQUEST,
    title: 'Connexion impossible',
    message: 'Relais n’a pas pu traiter la demande de connexion. Recommencez la connexion.',
  },
  token_refused: {
    status: HttpStatus.BAD_GATEWAY,
    title: 'Connexion impossible',
    message:
      'Relais a refusé de terminer la connexion : l’autorisation a expiré ou a déjà servi. Recommencez la connexion.',
  },
  id_token_rejected: {
    status: HttpStatus.BAD_GATEWAY,
    title: 'Connexion refusée',
    message:
      'Le jeton d’identité reçu n’est pas valable (signature ou contenu incorrect). Par sécurité, le service a refusé la connexion.',
  },
  userinfo_failed: {
    status: HttpStatus.BAD_GATEWAY,
    title: 'Connexion impossible',
    message: 'Le service n’a pas pu lire l’identité de l’usager auprès de Relais. Recommencez la connexion.',
  },
  provider_unavailable: {
    status: HttpStatus.BAD_GATEWAY,
    title: 'Relais ne répond pas',
    message: 'Le service n’arrive pas à joindre Relais pour le moment. Réessayez dans quelques instants.',
  },
  not_found: {
    status: HttpStatus.NOT_FOUND,
    title: 'Page introuvable',
    message: 'Cette page n’existe pas.',
  },
  internal: {
    status: HttpStatus.INTERNAL_SERVER_ERROR,
    title: 'Erreur du service',
    message: 'Le service a rencontré une erreur inattendue. Réessayez dans quelques instants.',
  },
} satisfies Record<string, { status: HttpStatus; title: string; message: string }>;

export type DemoServiceErrorCode = keyof typeof DEMO_SERVICE_ERRORS;

/**
 * An error the user sees as a French page. `detail` is a technical code (an OAuth error or an
 * openid-client code) for the log: never a message, which could carry personal data.
 */
export class DemoServiceError extends Error {
  override readonly name = 'DemoServiceError';

  constructor(
    readonly code: DemoServiceErrorCode,
    readonly detail?: string,
  ) {
    super(detail ? `${code} (${detail})` : code);
  }

  get status(): number {
    return DEMO_SERVICE_ERRORS[this.code].status;
  }
}
