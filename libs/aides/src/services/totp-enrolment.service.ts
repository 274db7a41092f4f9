import { Injectable } from '@nestjs/common';
import { DomainException, ErrorCode } from '@relais/exceptions';
import QRCode from 'qrcode';

import type { Aide } from '../entities/aide.entity.js';
import { SecretBox } from './secret-box.service.js';
import { TotpService } from './totp.service.js';

/** A second factor ready to show: the secret, its otpauth:// URI, QR code and typed form. */
export interface TotpOffer {
  secret: string;
  uri: string;
  /** A data: URL (allowed by the CSP). */
  qrCode: string;
  /** The secret in groups of four, for typing it into the app. */
  manualKey: string;
}

/**
 * The one way a TOTP second factor is set up, at account set-up (invitation) as after a reset
 * (login): offer a new secret, then accept it only once a code from the person's app proves it.
 */
@Injectable()
export class TotpEnrolment {
  constructor(
    private readonly totp: TotpService,
    private readonly secrets: SecretBox,
  ) {}

  async offer(email: string): Promise<TotpOffer> {
    const secret = this.totp.newSecret();
    const uri = this.totp.uri(secret, email);
    return {
      secret,
      uri,
      qrCode: await QRCode.toDataURL(uri, { margin: 1, width: 240 }),
      manualKey: secret.replace(/(.{4})/g, '$1 ').trim(),
    };
  }

  /** The aide's columns for a proved secret (sealed, with the code's step); InvalidTotpCode otherwise. */
  async accept(secret: string, code: string): Promise<Pick<Aide, 'totpSecret' | 'totpLastStep'>> {
    const step = await this.totp.verify(secret, code);
    if (step === null) throw new DomainException(ErrorCode.InvalidTotpCode);
    return { totpSecret: this.secrets.seal(secret), totpLastStep: String(step) };
  }
}
