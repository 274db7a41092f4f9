import { Injectable } from '@nestjs/common';
import { SecretBox, TotpService } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';

const ENROLMENT_TTL_MS = 15 * 60 * 1000;

/**
 * A new TOTP secret shown as a QR code travels back with the form, sealed (AES-GCM) and bound to
 * who enrols, so nothing is stored before the person proves their app holds it.
 */
@Injectable()
export class EnrolmentSecrets {
  constructor(
    private readonly totp: TotpService,
    private readonly box: SecretBox,
  ) {}

  async issue(subject: string, email: string) {
    const secret = this.totp.newSecret();
    const sealed = this.box.seal(JSON.stringify({ subject, secret, expiresAt: Date.now() + ENROLMENT_TTL_MS }));
    return { sealed, ...(await this.totp.enrolment(secret, email)) };
  }

  open(sealed: string, subject: string): string {
    try {
      const content = JSON.parse(this.box.open(sealed)) as { subject: string; secret: string; expiresAt: number };
      if (content.subject === subject && content.expiresAt > Date.now()) return content.secret;
    } catch {
      // tampered or foreign: same answer as expired
    }
    throw new DomainException(ErrorCode.EnrolmentExpired);
  }
}
