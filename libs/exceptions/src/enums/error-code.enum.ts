/** Error codes shared by every module; a module adds its own codes and French messages here. */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedRequest = 'malformed_request',
  PayloadTooLarge = 'payload_too_large',
  NotFound = 'not_found',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  TooManyRequests = 'too_many_requests',
  ServiceUnavailable = 'service_unavailable',
  Internal = 'internal_error',
}

interface ErrorText {
  status: number;
  title: string;
  message: string;
}

/** What a person reads for each code: plain French, with what to do next. */
export function errorText(code: ErrorCode): ErrorText {
  switch (code) {
    case ErrorCode.ValidationFailed:
      return {
        status: 400,
        title: 'Informations incorrectes',
        message: 'Certaines informations envoyées ne sont pas valides. Vérifiez-les puis réessayez.',
      };
    case ErrorCode.MalformedRequest:
      return {
        status: 400,
        title: 'Demande illisible',
        message: 'La demande envoyée est mal formée. Réessayez depuis la page précédente.',
      };
    case ErrorCode.PayloadTooLarge:
      return {
        status: 413,
        title: 'Envoi trop volumineux',
        message: 'Les informations envoyées sont trop volumineuses.',
      };
    case ErrorCode.NotFound:
      return {
        status: 404,
        title: 'Page non trouvée',
        message: 'La page que vous cherchez n’existe pas ou a été déplacée.',
      };
    case ErrorCode.Unauthorized:
      return {
        status: 401,
        title: 'Connexion nécessaire',
        message: 'Vous devez vous connecter pour accéder à cette page.',
      };
    case ErrorCode.Forbidden:
      return { status: 403, title: 'Accès refusé', message: 'Vous n’avez pas le droit d’accéder à cette page.' };
    case ErrorCode.TooManyRequests:
      return {
        status: 429,
        title: 'Trop de tentatives',
        message: 'Vous avez fait trop de tentatives. Patientez quelques minutes puis réessayez.',
      };
    case ErrorCode.ServiceUnavailable:
      return {
        status: 503,
        title: 'Service momentanément indisponible',
        message: 'Le service est momentanément indisponible. Réessayez dans quelques minutes.',
      };
    case ErrorCode.Internal:
      return {
        status: 500,
        title: 'Erreur inattendue',
        message:
          'Une erreur inattendue s’est produite. Réessayez plus tard ; si le problème continue, contactez le support.',
      };
  }
}

/** The code for a bare HTTP status (errors thrown by Nest or Express rather than by Relais). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return ErrorCode.MalformedRequest;
    case 401:
      return ErrorCode.Unauthorized;
    case 403:
      return ErrorCode.Forbidden;
    case 404:
    case 405:
      return ErrorCode.NotFound;
    case 413:
      return ErrorCode.PayloadTooLarge;
    case 429:
      return ErrorCode.TooManyRequests;
    case 503:
      return ErrorCode.ServiceUnavailable;
    default:
      return status >= 500 ? ErrorCode.Internal : ErrorCode.MalformedRequest;
  }
}
