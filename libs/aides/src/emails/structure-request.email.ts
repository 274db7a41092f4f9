import { type EmailContent, type EmailContext, SIGNATURE } from './email-content.js';

/**
 * The emails to the applicant of a structure request (libs/onboarding). Payload: `structureName`,
 * `message` (the operator's words, when asking for changes or refusing) and `token` (the single-use
 * link, opened from the sealed payload by the sender).
 */
interface RequestFacts {
  name: string;
  link: string;
  message: string;
}

function facts(payload: Record<string, unknown>, { baseUrl }: EmailContext): RequestFacts {
  const name = typeof payload.structureName === 'string' ? ` pour « ${payload.structureName} »` : '';
  const link =
    typeof payload.token === 'string' ? `${baseUrl}/rejoindre/demande/${payload.token}` : `${baseUrl}/rejoindre`;
  const message = typeof payload.message === 'string' && payload.message.trim() ? payload.message.trim() : '';
  return { name, link, message };
}

const ONE_USE = `Ce lien est personnel. Il sert une seule fois pour modifier ou retirer la demande.
Chaque nouveau message de Relais vous donne un nouveau lien.`;

export function structureRequestDraftSavedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { name, link } = facts(payload, context);
  return {
    subject: 'Relais : votre demande est enregistrée en brouillon',
    text: `Bonjour,

Votre demande${name} est enregistrée, mais elle n'est pas encore envoyée.

Pour la compléter et l'envoyer, ouvrez ce lien :
${link}

${ONE_USE}

${SIGNATURE}
`,
  };
}

export function structureRequestSubmittedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { name, link } = facts(payload, context);
  return {
    subject: 'Relais : votre demande est envoyée',
    text: `Bonjour,

Nous avons bien reçu votre demande${name}.
L'équipe Relais va l'étudier. Nous vous écrirons à chaque étape.

Pour suivre votre demande, ou la retirer :
${link}

${ONE_USE}

${SIGNATURE}
`,
  };
}

export function structureRequestChangesRequestedEmail(
  payload: Record<string, unknown>,
  context: EmailContext,
): EmailContent {
  const { name, link, message } = facts(payload, context);
  return {
    subject: 'Relais : votre demande est à modifier',
    text: `Bonjour,

L'équipe Relais a lu votre demande${name}. Il faut la modifier avant de l'accepter.
${message ? `\nCe que l'équipe vous demande :\n${message}\n` : ''}
Pour modifier votre demande et l'envoyer à nouveau :
${link}

${ONE_USE}

${SIGNATURE}
`,
  };
}

export function structureRequestAcceptedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { name } = facts(payload, context);
  return {
    subject: 'Relais : votre demande est acceptée',
    text: `Bonjour,

Bonne nouvelle : votre demande${name} est acceptée. La structure est inscrite sur Relais.

Vous allez recevoir un autre message pour créer votre compte de responsable de la structure.
Ensuite, vous pourrez inviter les aidants de la structure.

${SIGNATURE}
`,
  };
}

export function structureRequestRefusedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { name, message } = facts(payload, context);
  return {
    subject: "Relais : votre demande n'est pas acceptée",
    text: `Bonjour,

L'équipe Relais a étudié votre demande${name}. Elle n'est pas acceptée.
${message ? `\nLa raison :\n${message}\n` : ''}
Si votre situation change, vous pouvez faire une nouvelle demande :
${context.baseUrl}/rejoindre

${SIGNATURE}
`,
  };
}

export function structureRequestClosedEmail(payload: Record<string, unknown>, context: EmailContext): EmailContent {
  const { name } = facts(payload, context);
  // Closed by Relais: the applicant left it without news (a draft, or changes asked).
  const days = typeof payload.abandonedAfterDays === 'number' ? payload.abandonedAfterDays : undefined;
  const why = days
    ? ` : nous n’avons pas eu de nouvelles depuis ${days} jours, et le lien de notre dernier message ne fonctionne plus`
    : '';
  return {
    subject: 'Relais : votre demande est fermée',
    text: `Bonjour,

Votre demande${name} est fermée${why}. Elle ne sera pas étudiée.

Vous pouvez faire une nouvelle demande quand vous voulez :
${context.baseUrl}/rejoindre

${SIGNATURE}
`,
  };
}
