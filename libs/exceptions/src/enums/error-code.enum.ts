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
  // Structures
  InvalidSiret = 'invalid_siret',
  StructureAlreadyExists = 'structure_already_exists',
  StructureNotFound = 'structure_not_found',
  UnknownProcedureArea = 'unknown_procedure_area',
  // Aides, invitations and login
  InvitationInvalid = 'invitation_invalid',
  WeakPassword = 'weak_password',
  InvalidTotpCode = 'invalid_totp_code',
  InvalidCredentials = 'invalid_credentials',
  AccountLocked = 'account_locked',
  AideNotFound = 'aide_not_found',
  AlreadyMember = 'already_member',
  CsrfRejected = 'csrf_rejected',
  StepUpRequired = 'step_up_required',
  StructureChoiceRequired = 'structure_choice_required',
  // Mandates
  AideNotTrained = 'aide_not_trained',
  MandateNotFound = 'mandate_not_found',
  AreaOutsidePerimeter = 'area_outside_perimeter',
  ConsentLinkInvalid = 'consent_link_invalid',
  ConsentNotStarted = 'consent_not_started',
  MandateAlreadyDecided = 'mandate_already_decided',
  MandateNotRevocable = 'mandate_not_revocable',
  NoUsableMandate = 'no_usable_mandate',
  DelegationExpired = 'delegation_expired',
  // FranceConnect (citizens proving who they are)
  FranceConnectCancelled = 'franceconnect_cancelled',
  FranceConnectFailed = 'franceconnect_failed',
  // Public services (OpenID Connect clients of Relais)
  InvalidRedirectUri = 'invalid_redirect_uri',
  PublicServiceNotFound = 'public_service_not_found',
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
    case ErrorCode.InvalidSiret:
      return {
        status: 400,
        title: 'SIRET invalide',
        message: 'Le numéro SIRET doit comporter 14 chiffres et être valide. Vérifiez-le.',
      };
    case ErrorCode.StructureAlreadyExists:
      return {
        status: 409,
        title: 'Structure déjà enregistrée',
        message: 'Une structure avec ce numéro SIRET existe déjà.',
      };
    case ErrorCode.StructureNotFound:
      return {
        status: 404,
        title: 'Structure introuvable',
        message: 'Aucune structure ne correspond à ce numéro SIRET.',
      };
    case ErrorCode.UnknownProcedureArea:
      return { status: 400, title: 'Démarche inconnue', message: 'Une des démarches indiquées n’existe pas.' };
    case ErrorCode.InvitationInvalid:
      return {
        status: 410,
        title: 'Lien d’invitation expiré ou déjà utilisé',
        message:
          'Ce lien d’invitation n’est plus valable. Demandez à votre responsable de structure de vous envoyer une nouvelle invitation.',
      };
    case ErrorCode.WeakPassword:
      return {
        status: 400,
        title: 'Mot de passe trop faible',
        message: 'Choisissez un mot de passe d’au moins 12 caractères, difficile à deviner.',
      };
    case ErrorCode.InvalidTotpCode:
      return {
        status: 400,
        title: 'Code incorrect',
        message: 'Le code à 6 chiffres est incorrect ou a déjà été utilisé. Attendez le code suivant puis réessayez.',
      };
    case ErrorCode.InvalidCredentials:
      return {
        status: 401,
        title: 'Identifiants incorrects',
        message: 'Adresse électronique ou mot de passe incorrect.',
      };
    case ErrorCode.AccountLocked:
      return {
        status: 429,
        title: 'Compte temporairement bloqué',
        message:
          'Trop de tentatives de connexion. Réessayez dans 15 minutes ou contactez votre responsable de structure.',
      };
    case ErrorCode.AideNotFound:
      return { status: 404, title: 'Aidant introuvable', message: 'Cet aidant n’existe pas dans votre structure.' };
    case ErrorCode.AlreadyMember:
      return { status: 409, title: 'Déjà membre', message: 'Cette personne fait déjà partie de la structure.' };
    case ErrorCode.CsrfRejected:
      return {
        status: 403,
        title: 'Formulaire expiré',
        message: 'Ce formulaire a expiré. Rechargez la page puis recommencez.',
      };
    case ErrorCode.StepUpRequired:
      return {
        status: 401,
        title: 'Confirmation nécessaire',
        message: 'Pour cette action, saisissez de nouveau votre code à 6 chiffres.',
      };
    case ErrorCode.StructureChoiceRequired:
      return {
        status: 409,
        title: 'Choisissez votre structure',
        message: 'Indiquez pour quelle structure vous travaillez aujourd’hui.',
      };
    case ErrorCode.AideNotTrained:
      return {
        status: 403,
        title: 'Formation non validée',
        message:
          'Vous ne pouvez pas créer ni utiliser de mandat tant que votre responsable de structure n’a pas validé votre formation.',
      };
    case ErrorCode.MandateNotFound:
      return { status: 404, title: 'Mandat introuvable', message: 'Ce mandat n’existe pas dans votre structure.' };
    case ErrorCode.AreaOutsidePerimeter:
      return {
        status: 400,
        title: 'Démarche non proposée',
        message: 'Votre structure ne propose pas une des démarches choisies. Choisissez parmi celles de la liste.',
      };
    case ErrorCode.ConsentLinkInvalid:
      return {
        status: 410,
        title: 'Lien expiré ou déjà utilisé',
        message:
          'Ce lien n’est plus valable : il sert une seule fois, pendant 24 heures. Demandez à votre aidant ou aidante de vous en donner un nouveau.',
      };
    case ErrorCode.ConsentNotStarted:
      return {
        status: 400,
        title: 'Identification nécessaire',
        message:
          'Pour donner votre accord, identifiez-vous d’abord avec FranceConnect depuis le lien ou l’écran de votre aidant ou aidante.',
      };
    case ErrorCode.MandateAlreadyDecided:
      return {
        status: 409,
        title: 'Demande déjà traitée',
        message: 'Cette demande de mandat a déjà été acceptée, refusée ou annulée. Vous n’avez rien d’autre à faire.',
      };
    case ErrorCode.MandateNotRevocable:
      return {
        status: 409,
        title: 'Mandat déjà terminé',
        message: 'Ce mandat ou cette démarche est déjà terminé : il n’y a rien à arrêter.',
      };
    case ErrorCode.FranceConnectCancelled:
      return {
        status: 400,
        title: 'Connexion annulée',
        message:
          'Vous avez annulé la connexion avec FranceConnect. Pour continuer, cliquez de nouveau sur le bouton FranceConnect.',
      };
    case ErrorCode.FranceConnectFailed:
      return {
        status: 502,
        title: 'Connexion avec FranceConnect impossible',
        message:
          'La connexion avec FranceConnect n’a pas abouti. Réessayez ; si cela se reproduit, réessayez dans quelques minutes ou demandez de l’aide à votre aidant ou aidante.',
      };
    case ErrorCode.NoUsableMandate:
      return {
        status: 403,
        title: 'Pas de mandat en cours pour cette démarche',
        message:
          'Votre structure n’a pas de mandat en cours de cette personne pour cette démarche. Créez un mandat avec elle dans l’espace Relais, puis recommencez.',
      };
    case ErrorCode.DelegationExpired:
      return {
        status: 410,
        title: 'Connexion expirée',
        message:
          'Cette connexion n’a pas été terminée à temps (5 minutes). Retournez sur le site du service public et recommencez.',
      };
    case ErrorCode.Internal:
      return {
        status: 500,
        title: 'Erreur inattendue',
        message:
          'Une erreur inattendue s’est produite. Réessayez plus tard ; si le problème continue, contactez le support.',
      };
    case ErrorCode.InvalidRedirectUri:
      return {
        status: 400,
        title: 'Adresse de retour refusée',
        message:
          'Une adresse de retour doit être une adresse complète en https:// (http:// seulement pour localhost), sans fragment (#).',
      };
    case ErrorCode.PublicServiceNotFound:
      return {
        status: 404,
        title: 'Service public introuvable',
        message: 'Aucun service public ne correspond à cet identifiant (client_id).',
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
