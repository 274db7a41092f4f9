import { frenchBirthDate } from '@relais/dates';

import type { AttestationParties } from '../interfaces/attestation-parties.interface.js';
import { singleLine } from '../text/win-ansi.js';
import type { AttestationLayout } from './attestation-layout.js';

export function citizenName({ citizen }: Pick<AttestationParties, 'citizen'>): string {
  return singleLine(citizen.name);
}

export function aideName({ aide }: Pick<AttestationParties, 'aide'>): string {
  return singleLine(aide.name);
}

/** "123 456 789 00012": the SIREN, then the establishment number, as printed on French papers. */
export function formatSiret(siret: string): string {
  const digits = siret.replace(/\s/g, '');
  return /^\d{14}$/.test(digits)
    ? digits.replace(/^(\d{3})(\d{3})(\d{3})(\d{5})$/, '$1\u00a0$2\u00a0$3\u00a0$4')
    : singleLine(siret);
}

/** « Qui est concerné ? »: the citizen, the structure, the aide (when one acted). */
export function drawParties(
  layout: AttestationLayout,
  parties: Omit<AttestationParties, 'aide'> & Partial<Pick<AttestationParties, 'aide'>>,
): void {
  const { structure } = parties;
  layout.heading('Qui est concerné\u00a0?');
  layout.labelled(
    'Vous\u00a0:',
    `${citizenName(parties)}, né(e) ${singleLine(frenchBirthDate(parties.citizen.birthdate))}.`,
  );
  layout.labelled(
    'La structure\u00a0:',
    `${singleLine(structure.name)}, ${singleLine(structure.address)}. SIRET\u00a0: ${formatSiret(structure.siret)}.`,
  );
  if (parties.aide) layout.labelled('L’aidant(e)\u00a0:', `${aideName({ aide: parties.aide })}.`);
}
