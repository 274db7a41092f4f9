import { frenchDate } from '@relais/dates';

import { type EmailContent, type EmailContext, SIGNATURE } from './email-content.js';
import { text } from './payload.js';

/** Payload of the mandate emails: the mandate's id and when it ended (ISO 8601). */
function facts(payload: Record<string, unknown>): { mandateId: string; date: string } {
  const endedAt = new Date(String(payload.endedAt));
  const date = Number.isNaN(endedAt.getTime()) ? '' : frenchDate(endedAt);
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

/**
 * Who stopped it (payload `by`, from mandate_procedures.revoked_by): the citizen in the portal, an
 * aide at the counter with the citizen; anything else (an older email's payload) names no one.
 */
type RevokedBy = 'citizen' | 'aide' | 'other';

function revokedBy(payload: Record<string, unknown>): RevokedBy {
  return payload.by === 'citizen' || payload.by === 'aide' ? payload.by : 'other';
}

/** To the structure's supervisors, when one of its mandates was revoked, saying by whom. */
export function mandateRevokedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { mandateId, date } = facts(payload);
  const what = payload.whole === false ? 'révoqué pour certaines démarches' : 'révoqué';
  const who = {
    citizen: `La personne aidée l'a fait elle-même, sur le portail Relais.\n`,
    aide: `Un membre de votre structure l'a fait, avec la personne aidée.\n`,
    other: '',
  }[revokedBy(payload)];
  return {
    subject: 'Un mandat de votre structure a été révoqué',
    text: `Bonjour,

Un mandat de votre structure a été ${what} le ${date}.
${who}Les accès ouverts avec ce mandat auprès des services publics sont fermés.

Détail du mandat :
${context.baseUrl}/mandats/${mandateId}

${SIGNATURE}
`,
  };
}

/** To the citizen, when their mandate was revoked (wholly or some areas), saying by whom. */
export function citizenMandateRevokedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { date } = facts(payload);
  const whole = payload.whole !== false;
  const structure = text(payload.structureName);
  const who = {
    citizen: `Vous l'avez fait vous-même, sur le portail Relais.\n`,
    aide: `Un aidant de la structure${structure ? ` ${structure}` : ''} l'a fait avec vous, à l'accueil.\n`,
    other: '',
  }[revokedBy(payload)];
  return {
    subject: whole ? 'Votre mandat Relais est arrêté' : 'Des démarches sont retirées de votre mandat Relais',
    text: `Bonjour,

${whole ? 'Votre mandat est arrêté' : 'Des démarches sont retirées de votre mandat'} depuis le ${date}.
${who}${whole ? 'Personne ne peut plus faire de démarches pour vous avec ce mandat.' : 'Les autres démarches du mandat continuent.'}

Ce n'est pas vous ? Contactez vite la structure d'aide numérique qui vous accompagne.

Voir vos mandats :
${context.baseUrl}/usager

${SIGNATURE}
`,
  };
}
