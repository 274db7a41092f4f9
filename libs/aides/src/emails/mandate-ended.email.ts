import { type EmailContent, type EmailContext, SIGNATURE } from './email-content.js';

/** Payload of the mandate emails: the mandate's id and when it ended (ISO 8601). */
function facts(payload: Record<string, unknown>): { mandateId: string; date: string } {
  const endedAt = new Date(String(payload.endedAt));
  const date = Number.isNaN(endedAt.getTime())
    ? ''
    : new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeZone: 'Europe/Paris' }).format(endedAt);
  return { mandateId: String(payload.mandateId ?? ''), date };
}

/** To the aide who requested the mandate, when it reached its end (MandateExpiry). */
export function mandateExpiredEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { mandateId, date } = facts(payload);
  return {
    subject: 'Un mandat de votre structure est arrivé à échéance',
    text: `Bonjour,

Un mandat que vous avez créé est arrivé à échéance le ${date}.
Vous ne pouvez plus l'utiliser pour faire des démarches.

Si la personne a encore besoin d'aide, vous pouvez lui proposer de le renouveler :
${context.baseUrl}/mandats/${mandateId}

${SIGNATURE}
`,
  };
}

/** To the citizen, when their mandate reached its end. */
export function citizenMandateExpiredEmail(payload: Record<string, unknown>): EmailContent {
  const { date } = facts(payload);
  return {
    subject: 'Votre mandat Relais est arrivé à échéance',
    text: `Bonjour,

Le mandat que vous aviez donné à une structure d'aide numérique est arrivé à échéance le ${date}.
Personne ne peut plus faire de démarches en votre nom avec ce mandat.

Vous avez encore besoin d'aide ? Retournez voir la structure : elle peut vous proposer un nouveau mandat.

${SIGNATURE}
`,
  };
}

/** To the structure's supervisors, when one of its mandates was revoked. */
export function mandateRevokedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { mandateId, date } = facts(payload);
  const what = payload.whole === false ? 'révoqué pour certaines démarches' : 'révoqué';
  return {
    subject: 'Un mandat de votre structure a été révoqué',
    text: `Bonjour,

Un mandat de votre structure a été ${what} le ${date}, à la demande de la personne aidée.
Les accès ouverts avec ce mandat auprès des services publics sont fermés.

Détail du mandat :
${context.baseUrl}/mandats/${mandateId}

${SIGNATURE}
`,
  };
}

/** To the citizen, when their mandate was revoked. */
export function citizenMandateRevokedEmail(payload: Record<string, unknown>): EmailContent {
  const { date } = facts(payload);
  const what = payload.whole === false ? 'révoqué pour certaines démarches' : 'révoqué';
  return {
    subject: 'Votre mandat Relais a été révoqué',
    text: `Bonjour,

Votre mandat a été ${what} le ${date}, comme vous l'avez demandé.
${payload.whole === false ? 'Les autres démarches du mandat restent possibles.' : 'Personne ne peut plus faire de démarches en votre nom avec ce mandat.'}

Ce n'est pas vous ? Contactez la structure d'aide numérique qui vous accompagnait.

${SIGNATURE}
`,
  };
}
