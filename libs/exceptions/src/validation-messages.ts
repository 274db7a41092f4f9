/**
 * The French message of each class-validator constraint a DTO left without one. The global pipe
 * dismisses class-validator's English defaults ("areas must be an array") and uses these instead,
 * so a person (page) or a client (JSON `details.fields`) only ever reads French.
 */
const FRENCH_BY_CONSTRAINT: Record<string, string> = {
  whitelistValidation: 'Ce champ n’est pas attendu.',
  isDefined: 'Ce champ est obligatoire.',
  isNotEmpty: 'Ce champ est obligatoire.',
  isString: 'Saisissez un texte.',
  minLength: 'Ce texte est trop court.',
  maxLength: 'Ce texte est trop long.',
  isEmail: 'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.',
  isUuid: 'Cet identifiant n’est pas valide.',
  isIn: 'Choisissez une valeur de la liste.',
  isEnum: 'Choisissez une valeur de la liste.',
  isInt: 'Saisissez un nombre entier.',
  isNumber: 'Saisissez un nombre.',
  isBoolean: 'Choisissez oui ou non.',
  min: 'Ce nombre est trop petit.',
  max: 'Ce nombre est trop grand.',
  isArray: 'Choisissez dans la liste.',
  arrayMinSize: 'Choisissez au moins une valeur.',
  arrayMaxSize: 'Vous avez choisi trop de valeurs.',
  matches: 'Le format n’est pas valide.',
  equals: 'Cette valeur n’est pas celle attendue.',
  isDateString: 'Saisissez une date valide.',
};

const FALLBACK = 'Cette valeur n’est pas valide.';

/** The message for one failed constraint: the DTO's own (French) one, else the catalogue's. */
export function frenchConstraintMessage(constraint: string, message: string): string {
  if (constraint === 'whitelistValidation' || !message) return FRENCH_BY_CONSTRAINT[constraint] ?? FALLBACK;
  return message;
}
