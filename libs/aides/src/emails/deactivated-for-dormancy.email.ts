import { type EmailContent, SIGNATURE } from './email-content.js';

/** Sent when DormancyService deactivated the account; no payload. */
export function deactivatedForDormancyEmail(): EmailContent {
  return {
    subject: 'Votre compte Relais est désactivé',
    text: `Bonjour,

Votre compte Relais est désactivé.
Vous ne l'avez pas utilisé depuis plusieurs mois.

Vous ne pouvez plus vous connecter à Relais.

Vous avez encore besoin de Relais ?
Demandez à la personne responsable de Relais dans votre structure.

${SIGNATURE}
`,
  };
}
