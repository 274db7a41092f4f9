/** A language the consent text may be translated into. */
export interface ConsentLanguage {
  /** BCP 47 primary tag, as in `lang` attributes and the `langue` query parameter. */
  code: string;
  /** Its own name, as a reader of it looks for it in a list: "English", "العربية". */
  name: string;
  /** In French, as the page and the attestation say it: "anglais", "arabe". */
  frenchName: string;
  dir: 'ltr' | 'rtl';
  /** How dates are written in it (Intl locale): day first as in France, the Gregorian calendar. */
  locale: string;
}

/**
 * The languages a translation may be added in: those an attestation can print, in Latin letters
 * (the standard PDF fonts) or in the Arabic script (the embedded Noto Sans Arabic). Adding one is a
 * line here, once its letters print.
 */
export const CONSENT_LANGUAGES: readonly ConsentLanguage[] = [
  { code: 'en', name: 'English', frenchName: 'anglais', dir: 'ltr', locale: 'en-GB' },
  { code: 'es', name: 'Español', frenchName: 'espagnol', dir: 'ltr', locale: 'es-ES' },
  { code: 'pt', name: 'Português', frenchName: 'portugais', dir: 'ltr', locale: 'pt-PT' },
  { code: 'it', name: 'Italiano', frenchName: 'italien', dir: 'ltr', locale: 'it-IT' },
  { code: 'de', name: 'Deutsch', frenchName: 'allemand', dir: 'ltr', locale: 'de-DE' },
  { code: 'ar', name: 'العربية', frenchName: 'arabe', dir: 'rtl', locale: 'ar' },
  { code: 'fa', name: 'فارسی', frenchName: 'persan', dir: 'rtl', locale: 'fa-u-ca-gregory' },
];

export function consentLanguage(code: string): ConsentLanguage | undefined {
  return CONSENT_LANGUAGES.find((language) => language.code === code);
}
