import { frenchDate } from '@relais/dates';

import { type EmailContent, type EmailContext, SIGNATURE } from './email-content.js';

/** Payload written by DormancyService: when the account will be deactivated without a login. */
export function dormancyWarningEmail(payload: Record<string, unknown>, { baseUrl }: EmailContext): EmailContent {
  const from = typeof payload.deactivationFrom === 'string' ? new Date(payload.deactivationFrom) : null;
  const date = from && !Number.isNaN(from.getTime()) ? frenchDate(from) : null;
  return {
    subject: 'Votre compte Relais va être désactivé',
    text: `Bonjour,

Vous n'avez pas utilisé Relais depuis plusieurs mois.

Votre compte Relais sera désactivé dans un mois si vous ne vous connectez pas.
${date ? `Date de désactivation : le ${date}.\n` : ''}
Pour garder votre compte, connectez-vous${date ? ' avant cette date' : ''} :
${baseUrl}/connexion

Vous n'utilisez plus Relais ? Vous n'avez rien à faire.

${SIGNATURE}
`,
  };
}
