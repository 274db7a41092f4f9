/** How anyone checks an attestation: online with the code or the QR code, offline with the seal. */
export interface AttestationVerification {
  /** Short verification code, e.g. 'K7F3-9QX2-MA4T-7RBC'. */
  code: string;
  /** The verification page, e.g. 'http://localhost:3000/verify/K7F3-9QX2-MA4T-7RBC'; printed and drawn as a QR code. */
  url: string;
  /** The compact JWS sealing the terms: printed in the annex and embedded in the PDF info under `RelaisSeal`. */
  seal: string;
}
