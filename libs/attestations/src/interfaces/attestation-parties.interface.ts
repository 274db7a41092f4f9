/** Who an attestation is about: the citizen, the structure that holds the mandate, the aide. */
export interface AttestationParties {
  structure: { name: string; siret: string; address: string };
  aide: { givenName: string; familyName: string };
  citizen: { givenName: string; familyName: string; birthdate: string /* YYYY-MM-DD */ };
}
