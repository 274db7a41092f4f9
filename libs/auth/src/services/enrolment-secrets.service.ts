import { Injectable } from '@nestjs/common';
import { SecretBox, TotpEnrolment } from '@relais/aides';
import { DomainException, ErrorCode } from '@relais/exceptions';

const ENROLMENT_TTL_MS = 15 * 60 * 1000;

/**
 * A new TOTP secret shown as a QR code travels back with the form, sealed (AES-GCM) and bound to
 * who enrols, so nothing is stored before the person proves their app holds it.
 */
@Injectable()
export class EnrolmentSecrets {
  constructor(
    private readonly enrolment: TotpEnrolment,
    private readonly box: SecretBox,
  ) {}

  async issue(subject: string, email: string) {
    const { secret, ...shown } = await this.enrolment.offer(email);
    const sealed = this.box.seal(JSON.stringify({ subject, secret, expiresAt: Date.now() + ENROLMENT_TTL_MS }));
    return { sealed, ...shown };
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
