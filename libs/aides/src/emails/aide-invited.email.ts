import { frenchDateTime } from '@relais/dates';

import { type EmailContent, type EmailContext, SIGNATURE } from './email-content.js';

/**
 * To a person added to a structure (accepted structure request, import): the set-up link when
 * they have no account yet (`token`, opened from the sealed payload by the sender), else "log in".
 */
export function aideInvitedEmail(payload: Record<string, unknown>, { baseUrl }: EmailContext): EmailContent {
  const structure = typeof payload.structureName === 'string' ? ` « ${payload.structureName} »` : '';
  const role = payload.role === 'supervisor' ? 'responsable de la structure' : 'aidant ou aidante';
  const expiresAt = typeof payload.expiresAt === 'string' ? new Date(payload.expiresAt) : null;
  const until = expiresAt && !Number.isNaN(expiresAt.getTime()) ? frenchDateTime(expiresAt) : null;
  const next =
    typeof payload.token === 'string'
      ? `Pour créer votre compte, ouvrez ce lien${until ? ` avant le ${until}` : ''} :
${baseUrl}/invitation/${payload.token}

Vous choisirez un mot de passe, puis vous installerez une application qui donne un code à chaque connexion.
Le lien ne sert qu'une fois.`
      : `Vous avez déjà un compte Relais. Connectez-vous, puis choisissez la structure :
${baseUrl}/connexion`;
  return {
    subject: 'Vous êtes invité ou invitée sur Relais',
    text: `Bonjour,

Vous êtes ajouté ou ajoutée à la structure${structure} sur Relais, comme ${role}.

${next}

Vous ne connaissez pas cette structure ? Ne faites rien : sans compte, personne ne peut agir à votre place.

${SIGNATURE}
`,
  };
}
