import { ErrorCode } from './enums/error-code.enum.js';

/** One case of the catalogue: what the person reads, and what the docs say about it. */
export interface ErrorEntry {
  status: number;
  /** Page title, in French. */
  title: string;
  /** What the person reads: plain French, with what to do next; `{name}` is filled from the throw's `params`. */
  message: string;
  /** When it happens, for docs/errors.md (English). */
  when: string;
}

/**
 * Every error Relais raises on purpose, one entry per code. Adding a code to `ErrorCode` without its
 * entry here fails the build; docs/errors.md is generated from it (`npm run docs:errors`).
 */
export const ERROR_CATALOGUE = {
  [ErrorCode.ValidationFailed]: {
    status: 400,
    title: 'Informations incorrectes',
    message: 'Certaines informations envoyées ne sont pas valides. Vérifiez-les puis réessayez.',
    when: 'a DTO field is invalid or unknown (`details.fields`)',
  },
  [ErrorCode.MalformedRequest]: {
    status: 400,
    title: 'Demande illisible',
    message: 'La demande envoyée est mal formée. Réessayez depuis la page précédente.',
    when: 'unparsable body (e.g. broken JSON)',
  },
  [ErrorCode.PayloadTooLarge]: {
    status: 413,
    title: 'Envoi trop volumineux',
    message: 'Les informations envoyées sont trop volumineuses.',
    when: 'body over 100 kB',
  },
  [ErrorCode.NotFound]: {
    status: 404,
    title: 'Page non trouvée',
    message: 'La page que vous cherchez n’existe pas ou a été déplacée.',
    when: 'unknown page or route',
  },
  [ErrorCode.Unauthorized]: {
    status: 401,
    title: 'Connexion nécessaire',
    message: 'Vous devez vous connecter pour accéder à cette page.',
    when: 'login needed',
  },
  [ErrorCode.Forbidden]: {
    status: 403,
    title: 'Accès refusé',
    message: 'Vous n’avez pas le droit d’accéder à cette page.',
    when: 'not allowed',
  },
  [ErrorCode.TooManyRequests]: {
    status: 429,
    title: 'Trop de tentatives',
    message: 'Vous avez fait trop de tentatives. Patientez quelques minutes puis réessayez.',
    when: 'rate limit',
  },
  [ErrorCode.ServiceUnavailable]: {
    status: 503,
    title: 'Service momentanément indisponible',
    message: 'Le service est momentanément indisponible. Réessayez dans quelques minutes.',
    when: 'a dependency is down',
  },
  [ErrorCode.Internal]: {
    status: 500,
    title: 'Erreur inattendue',
    message:
      'Une erreur inattendue s’est produite. Réessayez plus tard ; si le problème continue, contactez le support.',
    when: 'an unexpected error (a bug), logged without request data',
  },
  [ErrorCode.InvalidSiret]: {
    status: 400,
    title: 'SIRET invalide',
    message: 'Le numéro SIRET doit comporter 14 chiffres et être valide. Vérifiez-le.',
    when: 'SIRET not 14 digits or failing its check digit',
  },
  [ErrorCode.StructureAlreadyExists]: {
    status: 409,
    title: 'Structure déjà enregistrée',
    message: 'Une structure avec ce numéro SIRET existe déjà.',
    when: 'SIRET already registered',
  },
  [ErrorCode.StructureNotFound]: {
    status: 404,
    title: 'Structure introuvable',
    message: 'Aucune structure ne correspond à ce numéro SIRET.',
    when: 'no structure with that SIRET',
  },
  [ErrorCode.UnknownProcedureArea]: {
    status: 400,
    title: 'Démarche inconnue',
    message: '{label} : {unknown}. Démarches possibles : {known}.',
    when: 'an area code outside the catalogue',
  },
  [ErrorCode.InvitationInvalid]: {
    status: 410,
    title: 'Lien d’invitation expiré ou déjà utilisé',
    message:
      'Ce lien d’invitation n’est plus valable. Demandez à votre responsable de structure de vous envoyer une nouvelle invitation.',
    when: 'invitation link unknown, used or expired',
  },
  [ErrorCode.WeakPassword]: {
    status: 400,
    title: 'Mot de passe trop faible',
    message: 'Choisissez un mot de passe d’au moins 12 caractères, difficile à deviner.',
    when: 'a password shorter than 12 characters',
  },
  [ErrorCode.InvalidTotpCode]: {
    status: 400,
    title: 'Code incorrect',
    message: 'Le code à 6 chiffres est incorrect ou a déjà été utilisé. Attendez le code suivant puis réessayez.',
    when: 'a second-factor code that is wrong or already used',
  },
  [ErrorCode.InvalidCredentials]: {
    status: 401,
    title: 'Identifiants incorrects',
    message: 'Adresse électronique ou mot de passe incorrect.',
    when: 'wrong email/password, locked or deactivated account (one message for all)',
  },
  [ErrorCode.AccountLocked]: {
    status: 429,
    title: 'Compte temporairement bloqué',
    message: 'Trop de tentatives de connexion. Réessayez dans 15 minutes ou contactez votre responsable de structure.',
    when: "five failed logins in a row: the account waits 15 minutes (the login page shows `invalid_credentials`'s words, so nobody learns the account exists)",
  },
  [ErrorCode.AideNotFound]: {
    status: 404,
    title: 'Aidant introuvable',
    message: 'Cet aidant n’existe pas dans votre structure.',
    when: "the aide is not in the supervisor's structure",
  },
  [ErrorCode.AlreadyMember]: {
    status: 409,
    title: 'Déjà membre',
    message: 'Cette personne fait déjà partie de la structure.',
    when: 'the person is already active in the structure',
  },
  [ErrorCode.CsrfRejected]: {
    status: 403,
    title: 'Formulaire expiré',
    message: 'Ce formulaire a expiré. Rechargez la page puis recommencez.',
    when: 'form without its CSRF token ("Formulaire expiré")',
  },
  [ErrorCode.StepUpRequired]: {
    status: 401,
    title: 'Confirmation nécessaire',
    message: 'Pour cette action, saisissez de nouveau votre code à 6 chiffres.',
    when: 'sensitive action after 15 minutes idle (browsers go to `/connexion/confirmation`)',
  },
  [ErrorCode.StructureChoiceRequired]: {
    status: 409,
    title: 'Choisissez votre structure',
    message: 'Indiquez pour quelle structure vous travaillez aujourd’hui.',
    when: 'logged in to several structures, none chosen (browsers go to `/structure`)',
  },
  [ErrorCode.AideNotTrained]: {
    status: 403,
    title: 'Formation non validée',
    message:
      'Vous ne pouvez pas créer ni utiliser de mandat tant que votre responsable de structure n’a pas validé votre formation.',
    when: "creating or using a mandate before the supervisor validated the aide's training",
  },
  [ErrorCode.MandateNotFound]: {
    status: 404,
    title: 'Mandat introuvable',
    message: 'Ce mandat n’existe pas dans votre structure.',
    when: "no such mandate in the aide's structure",
  },
  [ErrorCode.CitizenMandateNotFound]: {
    status: 404,
    title: 'Mandat introuvable',
    message: 'Nous ne trouvons pas ce mandat parmi les vôtres.',
    when: 'in the citizen portal, no such mandate (or area) among the logged-in citizen’s own',
  },
  [ErrorCode.AttestationRemoved]: {
    status: 410,
    title: 'Attestation supprimée',
    message:
      'Ce mandat a pris fin il y a longtemps : comme la loi le demande, son attestation et les données de la personne ont été supprimées. Le journal garde la trace des démarches, sans données personnelles.',
    when: 'download of an attestation whose PDF the retention job removed (mandate ended more than RETENTION_YEARS ago)',
  },
  [ErrorCode.PortalLoginNotStarted]: {
    status: 400,
    title: 'Connexion à recommencer',
    message: 'Recommencez la connexion : ouvrez la page « Voir mes mandats » et cliquez sur le bouton FranceConnect.',
    when: 'the portal’s FranceConnect callback reached without a login started in this session (or replayed)',
  },
  [ErrorCode.AreaOutsidePerimeter]: {
    status: 400,
    title: 'Démarche non proposée',
    message: 'Votre structure ne propose pas une des démarches choisies. Choisissez parmi celles de la liste.',
    when: 'an area the structure does not offer',
  },
  [ErrorCode.ConsentLinkInvalid]: {
    status: 410,
    title: 'Lien expiré ou déjà utilisé',
    message:
      'Ce lien n’est plus valable : il sert une seule fois, pendant 24 heures. Demandez à votre aidant ou aidante de vous en donner un nouveau.',
    when: 'remote consent link unknown, older than 24 h, or already used',
  },
  [ErrorCode.ConsentNotStarted]: {
    status: 400,
    title: 'Identification nécessaire',
    message:
      'Pour donner votre accord, identifiez-vous d’abord avec FranceConnect depuis le lien ou l’écran de votre aidant ou aidante.',
    when: 'consent page reached without FranceConnect identification (or a callback replayed)',
  },
  [ErrorCode.MandateAlreadyDecided]: {
    status: 409,
    title: 'Demande déjà traitée',
    message: 'Cette demande de mandat a déjà été acceptée, refusée ou annulée. Vous n’avez rien d’autre à faire.',
    when: 'the citizen already accepted or refused',
  },
  [ErrorCode.MandateNotRevocable]: {
    status: 409,
    title: 'Mandat déjà terminé',
    message: 'Ce mandat ou cette démarche est déjà terminé : il n’y a rien à arrêter.',
    when: 'nothing left to revoke',
  },
  [ErrorCode.NoUsableMandate]: {
    status: 403,
    title: 'Pas de mandat en cours pour cette démarche',
    message:
      'Votre structure n’a pas de mandat en cours de cette personne pour cette démarche. Créez un mandat avec elle dans l’espace Relais, puis recommencez.',
    when: 'delegated login for a citizen without a mandate usable now for that area, at that service',
  },
  [ErrorCode.DelegationExpired]: {
    status: 410,
    title: 'Connexion expirée',
    message:
      'Cette connexion n’a pas été terminée à temps (5 minutes). Retournez sur le site du service public et recommencez.',
    when: 'delegated login page older than 5 minutes, or unknown',
  },
  [ErrorCode.FranceConnectCancelled]: {
    status: 400,
    title: 'Connexion annulée',
    message:
      'Vous avez annulé la connexion avec FranceConnect. Pour continuer, cliquez de nouveau sur le bouton FranceConnect.',
    when: 'the citizen cancelled at FranceConnect ("Vous avez annulé la connexion avec FranceConnect…")',
  },
  [ErrorCode.FranceConnectFailed]: {
    status: 502,
    title: 'Connexion avec FranceConnect impossible',
    message:
      'La connexion avec FranceConnect n’a pas abouti. Réessayez ; si cela se reproduit, réessayez dans quelques minutes ou demandez de l’aide à votre aidant ou aidante.',
    when: 'any other failure: bad state, nonce, audience, signature or acr, replayed code, FranceConnect down',
  },
  [ErrorCode.InvalidRedirectUri]: {
    status: 400,
    title: 'Adresse de retour refusée',
    message: '{field} refusée : « {uri} ». {problem}',
    when: 'registering a public service with an unsafe redirect URI (names the address and the problem: not https, fragment, credentials, invisible characters)',
  },
  [ErrorCode.PublicServiceNotFound]: {
    status: 404,
    title: 'Service public introuvable',
    message: 'Aucun service public ne correspond à cet identifiant (client_id).',
    when: 'no public service with that client_id',
  },
  [ErrorCode.PasswordMismatch]: {
    status: 400,
    title: 'Mots de passe différents',
    message: 'Les deux mots de passe saisis sont différents.',
    when: 'the password and its confirmation differ (account set-up)',
  },
  [ErrorCode.GuessablePassword]: {
    status: 400,
    title: 'Mot de passe trop facile à deviner',
    message:
      'Ce mot de passe est trop facile à deviner (mot courant, suite de touches ou vos nom et adresse). Choisissez par exemple plusieurs mots sans lien entre eux.',
    when: "a password of 12 characters or more that zxcvbn scores below 3 (common word, keyboard run, the person's own name or email)",
  },
  [ErrorCode.EnrolmentExpired]: {
    status: 400,
    title: 'Code QR expiré',
    message: 'Le code QR a expiré. Scannez le nouveau code affiché puis saisissez le code à 6 chiffres.',
    when: 'the second-factor enrolment form was posted after its QR code expired, or altered',
  },
  [ErrorCode.AideDeactivated]: {
    status: 403,
    title: 'Compte désactivé',
    message:
      'Votre compte, ou votre accès à cette structure, a été désactivé : vous ne pouvez pas vous connecter pour une personne. Adressez-vous à votre responsable de structure.',
    when: 'a delegated login by an aide whose account or membership was deactivated during their session',
  },
  [ErrorCode.PlacesFileUnreadable]: {
    status: 400,
    title: 'Fichier de lieux illisible',
    message:
      'Ce fichier ne peut pas être lu : il faut un tableau JSON de lieux ou un fichier CSV au format du schéma des lieux de médiation numérique.',
    when: '`places:import` given a file that is missing, not JSON/CSV, or not an array of places',
  },
  [ErrorCode.ProviderUnknownService]: {
    status: 400,
    title: 'Service public non raccordé',
    message:
      'Le service public qui vous a envoyé ici n’est pas, ou plus, raccordé à Relais. Retournez sur son site et utilisez un autre moyen de connexion ; si cela se reproduit, signalez-le à ce service.',
    when: 'oidc-provider: unknown or disabled client_id, or a client that failed to authenticate (`invalid_client`)',
  },
  [ErrorCode.ProviderRedirectRefused]: {
    status: 400,
    title: 'Adresse de retour inconnue',
    message:
      'Le service public a demandé à revenir vers une adresse qui n’est pas enregistrée chez Relais : par sécurité, la connexion est arrêtée. Retournez sur le site du service public et recommencez ; si cela se reproduit, signalez-le à ce service.',
    when: 'oidc-provider: a redirect_uri (or post_logout_redirect_uri) the client did not register (`invalid_redirect_uri`)',
  },
  [ErrorCode.ProviderRequestInvalid]: {
    status: 400,
    title: 'Demande de connexion incorrecte',
    message:
      'La demande de connexion envoyée par le service public est incorrecte. Retournez sur son site et recommencez ; si cela se reproduit, signalez-le à ce service.',
    when: 'oidc-provider: any other refused request that is shown as a page (`invalid_request`, `invalid_scope`, `unsupported_response_type`, expired session…)',
  },
  [ErrorCode.ProviderFailed]: {
    status: 500,
    title: 'Connexion impossible',
    message:
      'Relais n’a pas pu terminer la connexion au service public. Réessayez dans quelques minutes depuis le site du service public ; si cela se reproduit, signalez-le à votre responsable de structure.',
    when: 'oidc-provider: an unexpected error on its side (`server_error`)',
  },
  [ErrorCode.ConsentTranslationUnknown]: {
    status: 404,
    title: 'Traduction non disponible',
    message:
      'Ce texte n’est pas traduit dans cette langue. Revenez à la page précédente : le texte en français est toujours là, et votre aidant ou aidante peut vous l’expliquer.',
    when: 'the consent page asked in a language without a translation of the current consent text version',
  },
  [ErrorCode.ConsentTranslationInvalid]: {
    status: 400,
    title: 'Traduction refusée',
    message: 'Cette traduction ne peut pas être ajoutée : {reason}',
    when: '`consent:translation:add` given an unsupported language or a file that does not match the French text',
  },
  [ErrorCode.ConsentTextVersionUnknown]: {
    status: 400,
    title: 'Version du texte inconnue',
    message: 'Aucun texte d’accord ne porte cette version. Versions publiées : {versions}.',
    when: '`consent:translation:add` given a consent text version that was never published',
  },
  [ErrorCode.StructureAlreadyRequested]: {
    status: 409,
    title: 'Demande déjà en cours',
    message:
      'Une demande est déjà en cours pour ce numéro SIRET. Pour la suivre ou la modifier, ouvrez le lien du dernier message reçu de Relais, ou demandez un nouveau lien sur la page « Rejoindre Relais ».',
    when: 'a structure request for a SIRET that already has an open one (draft, submitted, changes requested)',
  },
  [ErrorCode.StructureRequestNotFound]: {
    status: 404,
    title: 'Demande introuvable',
    message: 'Cette demande n’existe pas. Revenez à la liste des demandes.',
    when: 'operator page of a structure request that does not exist',
  },
  [ErrorCode.StructureRequestLinkUsed]: {
    status: 410,
    title: 'Ce lien a déjà servi',
    message:
      'Ce lien a déjà servi, ou un message plus récent de Relais vous a donné un nouveau lien. Ouvrez le dernier message reçu de Relais à propos de votre demande. Vous ne le trouvez plus ? Demandez un nouveau lien sur la page « Rejoindre Relais » (/rejoindre/nouveau-lien).',
    when: 'a structure request link used already, or replaced by the link of a later email',
  },
  [ErrorCode.StructureRequestLinkInvalid]: {
    status: 404,
    title: 'Lien non valable',
    message:
      'Ce lien n’est pas valable : il est incomplet ou trop ancien. Vérifiez que vous avez copié tout le lien, ou demandez un nouveau lien sur la page « Rejoindre Relais » (/rejoindre/nouveau-lien).',
    when: 'a structure request link unknown or expired (30 days)',
  },
  [ErrorCode.StructureRequestTransitionRefused]: {
    status: 409,
    title: 'Action impossible',
    message: 'Cette demande est {state} : elle ne peut plus être {action}. Rechargez la page pour voir où elle en est.',
    when: 'a structure request action its current state does not allow (the one transition table)',
  },
  [ErrorCode.AideImportFileUnreadable]: {
    status: 400,
    title: 'Fichier illisible',
    message: 'Rien n’a été importé. {reason}',
    when: 'an aide import file that is not CSV/XLSX, has no header row with the expected columns, or too many rows',
  },
  [ErrorCode.AideImportExpired]: {
    status: 410,
    title: 'Aperçu expiré',
    message:
      'Cet aperçu n’est plus valable : il a déjà été confirmé, ou il date de plus de 30 minutes. Envoyez le fichier à nouveau.',
    when: 'confirming an aide import preview that is unknown, expired, already confirmed or someone else’s',
  },
  [ErrorCode.QueueBoardChangeRefused]: {
    status: 403,
    title: 'Action non permise',
    message:
      'Depuis le tableau des files, vous pouvez seulement relancer des tâches en échec. Les autres actions ne sont pas permises.',
    when: 'queue board: a change other than retrying failed jobs (emptying, pausing, adding a job…)',
  },
  [ErrorCode.SecretsKeyPreviousMissing]: {
    status: 400,
    title: 'Ancienne clé manquante',
    message:
      'Rien n’a été changé : mettez la nouvelle clé dans SECRETS_KEY et l’ancienne dans SECRETS_KEY_PREVIOUS, puis recommencez.',
    when: '`secrets:rotate` without SECRETS_KEY_PREVIOUS, or with the same key in both',
  },
  [ErrorCode.SecretUnreadable]: {
    status: 400,
    title: 'Secret illisible',
    message:
      'Rien n’a été changé : {what} ne s’ouvre ni avec SECRETS_KEY ni avec SECRETS_KEY_PREVIOUS. Vérifiez les deux clés.',
    when: '`secrets:rotate` meeting a secret that neither configured key opens',
  },
} as const satisfies Record<ErrorCode, ErrorEntry>;

export function errorText(code: ErrorCode): ErrorEntry {
  return ERROR_CATALOGUE[code];
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
