/** A plain-text email, in French. */
export interface EmailContent {
  subject: string;
  text: string;
}

/** What every email may use besides its own payload. */
export interface EmailContext {
  /** Public base URL of Relais (ISSUER), without a trailing slash. */
  baseUrl: string;
}

/** The end of every email. */
export const SIGNATURE = `L'équipe Relais

Ce message est envoyé automatiquement. Merci de ne pas y répondre.`;
