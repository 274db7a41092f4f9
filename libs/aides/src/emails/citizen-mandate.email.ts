import { frenchDate, frenchDateTime, frenchDay, frenchTime } from '@relais/dates';

import { type EmailContent, type EmailContext, SIGNATURE } from './email-content.js';
import { instant, text, texts } from './payload.js';

/** The digest lists this many uses; the others are counted and shown in the portal. */
export const DIGEST_LISTED_USES = 20;

const bullets = (items: string[]) => items.map((item) => `- ${item}`).join('\n');

/** "France Services Paris 20e, 12 rue de Belleville, 75020 Paris" (the address when known). */
function structureLine(payload: Record<string, unknown>): string {
  const name = text(payload.structureName) || "la structure d'aide numérique";
  const address = text(payload.structureAddress);
  return address ? `${name}, ${address}` : name;
}

/**
 * To the citizen, queued in the consent transaction. Payload (ConsentService): mandateId,
 * structureName, structureAddress, areas (labels), startsAt, expiresAt, attestationCode.
 */
export function citizenMandateCreatedEmail(payload: Record<string, unknown>, { baseUrl }: EmailContext): EmailContent {
  const startsAt = instant(payload.startsAt);
  const expiresAt = instant(payload.expiresAt);
  const code = text(payload.attestationCode);
  const areas = texts(payload.areas);
  return {
    subject: 'Vous avez donné un mandat',
    text: `Bonjour,

Vous avez donné un mandat à une structure d'aide numérique.
Ses aidants peuvent faire des démarches en ligne pour vous.

La structure :
${structureLine(payload)}

Les démarches :
${bullets(areas)}

${startsAt ? `Le mandat commence le ${frenchDateTime(startsAt)}.\n` : ''}${expiresAt ? `Il dure jusqu'au ${frenchDateTime(expiresAt)} (heure de Paris).\n` : ''}
${
  code
    ? `Le code de votre attestation : ${code}
Gardez ce code. Il prouve votre mandat.
Tout le monde peut vérifier l'attestation ici :
${baseUrl}/verify/${code}
(ou sur ${baseUrl}/verify, avec le code)
`
    : ''
}
Vous voulez voir ce qui est fait pour vous ?
Vous voulez arrêter le mandat ?
Allez sur votre espace, avec FranceConnect :
${baseUrl}/usager

Ce n'est pas vous ? Contactez vite la structure.

${SIGNATURE}
`,
  };
}

/** One use in the digest's payload (MandateUseDigest builds them from the delegations). */
interface DigestUse {
  at: Date;
  publicService: string;
  area: string;
  aide: string;
  structure: string;
}

function digestUses(value: unknown): DigestUse[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: Record<string, unknown>) => {
    const at = instant(item?.at);
    return at
      ? [
          {
            at,
            publicService: text(item.publicService),
            area: text(item.area),
            aide: text(item.aide),
            structure: text(item.structure),
          },
        ]
      : [];
  });
}

/**
 * To the citizen, the morning after a day their mandate was used: that day's uses, oldest first.
 * Payload (MandateUseDigest): mandateId, day (YYYY-MM-DD, Paris), uses [{at, publicService, area, aide, structure}].
 */
export function citizenMandateUsedEmail(payload: Record<string, unknown>, { baseUrl }: EmailContext): EmailContent {
  const day = frenchDay(text(payload.day));
  const uses = digestUses(payload.uses);
  const listed = uses.slice(0, DIGEST_LISTED_USES);
  const more = uses.length - listed.length;
  const lines = listed.map(
    (use) =>
      `- À ${frenchTime(use.at)} : ${use.publicService || 'un service public'}.
  Démarche : ${use.area}.
  Par : ${use.aide}, ${use.structure}.`,
  );
  const one = uses.length === 1;
  return {
    subject: day ? `Votre mandat a été utilisé le ${day}` : 'Votre mandat a été utilisé',
    text: `Bonjour,

${day ? `Le ${day}, ` : ''}${one ? 'un aidant a fait une démarche pour vous' : `des aidants ont fait ${uses.length} démarches pour vous`}.
${one ? 'Il a utilisé' : 'Ils ont utilisé'} votre mandat.

Voici ce qui a été fait (heure de Paris) :

${lines.join('\n\n')}
${more > 0 ? `\nEt ${more === 1 ? 'une autre démarche' : `${more} autres démarches`}. Vous pouvez tout voir sur votre espace.\n` : ''}
Vous pouvez tout voir sur votre espace, avec FranceConnect :
${baseUrl}/usager

Vous ne reconnaissez pas une démarche ?
Vous pouvez arrêter le mandat tout de suite, sur votre espace.
Ou contactez la structure.

${SIGNATURE}
`,
  };
}

/**
 * To the citizen, seven days before the end of a mandate still in force (MandateEndingNotices).
 * Payload: mandateId, structureName, structureAddress, areas (labels still in force), expiresAt,
 * daysLeft (whole days, rounded up, when it was queued).
 */
export function citizenMandateEndsSoonEmail(payload: Record<string, unknown>, { baseUrl }: EmailContext): EmailContent {
  const expiresAt = instant(payload.expiresAt);
  const areas = texts(payload.areas);
  const days =
    Number.isInteger(payload.daysLeft) && (payload.daysLeft as number) > 0 ? (payload.daysLeft as number) : null;
  const soon = days ? `dans ${days === 1 ? '1 jour' : `${days} jours`}` : 'bientôt';
  return {
    subject: `Votre mandat se termine ${soon}`,
    text: `Bonjour,

Votre mandat se termine ${soon}.
${expiresAt ? `Il s'arrête le ${frenchDate(expiresAt)}, à ${frenchTime(expiresAt)} (heure de Paris).\n` : ''}Après, les aidants ne pourront plus faire de démarches pour vous.

La structure :
${structureLine(payload)}
${areas.length > 0 ? `\nLes démarches :\n${bullets(areas)}\n` : ''}
Vous avez encore besoin d'aide ?
Retournez voir la structure avant la fin du mandat.
Elle peut vous proposer un nouveau mandat.

Vous voulez arrêter le mandat plus tôt ?
Vous pouvez le faire vous-même, avec FranceConnect :
${baseUrl}/usager

Vous n'avez plus besoin d'aide ? Vous n'avez rien à faire : le mandat s'arrêtera tout seul.

${SIGNATURE}
`,
  };
}
