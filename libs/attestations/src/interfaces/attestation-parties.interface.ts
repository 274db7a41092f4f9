/** Who an attestation is about: the citizen, the structure that holds the mandate, the aide. */
export interface AttestationParties {
  structure: { name: string; siret: string; address: string };
  /** The aide's name as Relais displays it everywhere (consent page included). */
  aide: { name: string };
  /** The citizen's name as displayed, and the birth date as FranceConnect gave it (YYYY-MM-DD, 00 when unknown). */
  citizen: { name: string; birthdate: string };
}
