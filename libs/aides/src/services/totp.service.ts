import { Injectable } from '@nestjs/common';
import { generateSecret, generateURI, verify } from 'otplib';

const STEP_SECONDS = 30;

/** TOTP (RFC 6238, 6 digits, 30 s) as authenticator apps and `oathtool --totp -b` do it. */
@Injectable()
export class TotpService {
  newSecret(): string {
    return generateSecret();
  }

  /** The otpauth:// URI an authenticator app reads (from a QR code, see TotpEnrolment). */
  uri(secret: string, email: string): string {
    return generateURI({ secret, issuer: 'Relais', label: email });
  }

  /**
   * The time step of a valid code (one step of clock drift tolerated each way), or null. A code
   * whose step is not after `lastStep` is refused: the same code is never accepted twice.
   */
  async verify(secret: string, code: string, lastStep?: string | null): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const result = await verify({
      secret,
      token: code,
      epochTolerance: STEP_SECONDS,
      ...(lastStep ? { afterTimeStep: Number(lastStep) } : {}),
    });
    return result.valid && 'timeStep' in result ? (result.timeStep as number) : null;
  }
}
