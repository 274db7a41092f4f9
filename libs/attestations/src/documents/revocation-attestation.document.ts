import type { RevocationAttestation } from '../interfaces/revocation-attestation.interface.js';
import { AttestationLayout } from '../layout/attestation-layout.js';
import { aideName, citizenName, drawParties } from '../layout/parties-section.js';
import { drawSealAnnex } from '../layout/seal-annex.js';
import { drawSignatureBoxes } from '../layout/signature-boxes.js';
import { drawVerificationBlock } from '../layout/verification-block.js';
import { frenchDateTime } from '@relais/dates';
import { singleLine } from '../text/win-ansi.js';
import { assertAreas, assertDates, assertVerification } from './attestation-input.js';

const WHOLE_TITLE = 'Attestation de fin de mandat';
const PARTIAL_TITLE = 'Attestation de retrait de démarches';

/**
 * The PDF given when a mandate ends early (no area remains) or loses some areas: what stops,
 * what goes on, since when, and which mandate attestation it refers to.
 */
export async function renderRevocationAttestation(attestation: RevocationAttestation): Promise<Buffer> {
  const { revokedAreas, remainingAreas, verification } = attestation;
  assertAreas(revokedAreas, 'a revocation');
  assertDates(attestation.revokedAt);
  assertVerification(verification);
  const whole = remainingAreas.length === 0;
  const title = whole ? WHOLE_TITLE : PARTIAL_TITLE;
  const layout = new AttestationLayout({
    title,
    subject: `Mandat ${attestation.mandateId} : ${singleLine(attestation.structure.name)}`,
    issuedAt: attestation.revokedAt,
    seal: verification.seal,
  });

  layout.title(
    title,
    whole
      ? 'Votre mandat est terminé. Ce document le prouve. Gardez-le.'
      : 'Des démarches sont retirées de votre mandat. Ce document le prouve. Gardez-le.',
  );
  drawParties(layout, attestation);

  layout.heading('Quel mandat\u00a0?');
  layout.labelled('Code de l’attestation de mandat\u00a0:', singleLine(attestation.mandateCode));

  layout.heading('Ce qui s’arrête');
  layout.paragraph(
    whole ? 'Le mandat s’arrête pour toutes ces démarches\u00a0:' : 'Ces démarches sont retirées du mandat\u00a0:',
  );
  layout.bullets(revokedAreas.map(({ label }) => singleLine(label)));
  layout.paragraph(
    `Depuis le ${frenchDateTime(attestation.revokedAt)} (heure de Paris), ` +
      'les aidants de la structure ne peuvent plus faire ces démarches pour vous.',
  );
  if (whole) drawWholeEnd(layout);
  else drawRemaining(layout, remainingAreas, !attestation.aide);

  if (attestation.aide) {
    drawSignatureBoxes(layout, [
      { label: 'Signature de la personne aidée', name: citizenName(attestation) },
      { label: 'Signature de l’aidant(e)', name: aideName({ aide: attestation.aide }) },
    ]);
  } else {
    drawSelfService(layout, citizenName(attestation));
  }
  drawVerificationBlock(layout, verification);
  drawSealAnnex(layout, verification.seal);
  return layout.finish(`Mandat n° ${attestation.mandateId}`);
}

function drawWholeEnd(layout: AttestationLayout): void {
  layout.heading('Et maintenant\u00a0?');
  layout.paragraph('Plus personne de cette structure ne peut agir pour vous avec ce mandat.');
  layout.paragraph('Si vous avez encore besoin d’aide, vous pouvez donner un nouveau mandat.');
}

function drawRemaining(layout: AttestationLayout, remainingAreas: { label: string }[], selfService: boolean): void {
  layout.heading('Ce qui continue');
  layout.paragraph('Le mandat continue pour ces démarches, jusqu’à sa date de fin\u00a0:');
  layout.bullets(remainingAreas.map(({ label }) => singleLine(label)));
  layout.paragraph(
    selfService
      ? 'Vous pouvez les arrêter aussi, à tout moment, sur votre espace Relais ou à la structure.'
      : 'Vous pouvez les arrêter aussi, à tout moment. Retournez voir la structure, ou demandez à l’aidant(e).',
  );
}

/** The citizen stopped it themself, online: no aide took part, so no aide signs. */
function drawSelfService(layout: AttestationLayout, citizen: string): void {
  layout.heading('Qui a arrêté le mandat\u00a0?');
  layout.paragraph(`${citizen}, sur son espace Relais, après s’être identifié(e) avec FranceConnect.`);
  layout.paragraph('Aucun aidant n’a fait cette demande. Il n’y a rien à signer.');
}
