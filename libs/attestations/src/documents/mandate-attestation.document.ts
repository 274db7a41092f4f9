import type { AttestationTranslation, MandateAttestation } from '../interfaces/mandate-attestation.interface.js';
import { AttestationLayout } from '../layout/attestation-layout.js';
import { aideName, citizenName, drawParties } from '../layout/parties-section.js';
import { drawSealAnnex } from '../layout/seal-annex.js';
import { drawSignatureBoxes } from '../layout/signature-boxes.js';
import { drawVerificationBlock } from '../layout/verification-block.js';
import { frenchDateTime, frenchPeriod } from '@relais/dates';
import { singleLine } from '../text/win-ansi.js';
import { assertAreas, assertDates, assertVerification } from './attestation-input.js';

const TITLE = 'Attestation de mandat';

/** The translation the citizen read beside the French text, in its language and direction. */
function drawTranslation(layout: AttestationLayout, translation: AttestationTranslation): void {
  layout.heading('La traduction que vous avez lue', 70);
  layout.paragraph(
    `Vous avez aussi lu ce texte en ${singleLine(translation.languageName)} ` +
      `(traduction n°\u00a0${translation.revision}). Elle sert seulement à comprendre\u00a0: ` +
      'c’est le texte en français qui compte.',
  );
  if (!translation.reviewed) {
    layout.paragraph('Cette traduction n’a pas encore été vérifiée par un traducteur assermenté.');
  }
  layout.quotation([translation.notice, ...translation.paragraphs], { lang: translation.lang, dir: translation.dir });
}

/** The PDF given at consent: the terms in plain French, the consent text, signatures, verification. */
export async function renderMandateAttestation(attestation: MandateAttestation): Promise<Buffer> {
  const { areas, consentText, structure, verification } = attestation;
  assertAreas(areas, 'a mandate');
  assertDates(attestation.startsAt, attestation.expiresAt, attestation.consentedAt);
  assertVerification(verification);
  const structureName = singleLine(structure.name);
  const layout = new AttestationLayout({
    title: TITLE,
    subject: `Mandat ${attestation.mandateId} : ${structureName}`,
    issuedAt: attestation.consentedAt,
    seal: verification.seal,
  });

  layout.title(TITLE, 'Vous avez donné un mandat à une structure d’aide. Ce document le prouve. Gardez-le.');
  drawParties(layout, attestation);
  layout.paragraph(
    'Avec ce mandat, les aidants formés de cette structure peuvent faire des démarches en ligne à votre place.',
  );

  layout.heading('Pour quelles démarches\u00a0?');
  layout.paragraph('Le mandat couvre seulement ces démarches\u00a0:');
  layout.bullets(areas.map(({ label }) => singleLine(label)));

  layout.heading('Pour combien de temps\u00a0?');
  layout.paragraph(`Le mandat dure ${singleLine(attestation.durationLabel)}.`);
  layout.paragraph(`Il est valable ${frenchPeriod(attestation.startsAt, attestation.expiresAt)} (heure de Paris).`);
  layout.paragraph('Après cette date, il s’arrête tout seul.');

  layout.heading('Comment arrêter le mandat\u00a0?');
  layout.paragraph('Vous pouvez arrêter le mandat à tout moment. Vous pouvez aussi retirer une seule démarche.');
  // The citizen portal lives beside the verification page, on the same Relais address.
  const portal = new URL('/usager', verification.url).href;
  layout.paragraph(`Vous pouvez le faire vous-même sur ${portal}, avec FranceConnect.`);
  layout.paragraph(`Vous pouvez aussi retourner voir la structure ${structureName}, ou demander à l’aidant(e).`);
  layout.paragraph('L’arrêt compte tout de suite. Vous recevez alors une attestation de fin de mandat.');

  layout.heading('Ce que vous avez accepté', 70);
  layout.paragraph(
    `Vous avez donné votre accord le ${frenchDateTime(attestation.consentedAt)}. ` +
      `Voici le texte exact que vous avez accepté (version ${singleLine(consentText.version)})\u00a0:`,
  );
  layout.quotation(consentText.paragraphs);
  if (attestation.translation) drawTranslation(layout, attestation.translation);

  drawSignatureBoxes(layout, [
    { label: 'Signature de la personne aidée', name: citizenName(attestation) },
    { label: 'Signature de l’aidant(e)', name: aideName(attestation) },
  ]);
  drawVerificationBlock(layout, verification);
  drawSealAnnex(layout, verification.seal);
  return layout.finish(`Mandat n° ${attestation.mandateId}`);
}
