import { randomBytes } from 'node:crypto';

import type { RelaisConfig } from '@relais/config';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { generate } from 'otplib';

import { SecretBox } from './secret-box.service.js';
import { TotpEnrolment } from './totp-enrolment.service.js';
import { TotpService } from './totp.service.js';

describe('TotpEnrolment', () => {
  const box = new SecretBox({ SECRETS_KEY: randomBytes(32).toString('base64') } as RelaisConfig);
  const enrolment = new TotpEnrolment(new TotpService(), box);

  it('given an aide setting up the second factor, when a secret is offered, then the QR code and typed key carry it for Relais', async () => {
    // Given / When
    const offer = await enrolment.offer('camille@example.fr');

    // Then
    expect(offer.uri).toMatch(/^otpauth:\/\/totp\/Relais:camille%40example\.fr\?/);
    expect(offer.uri).toContain(`secret=${offer.secret}`);
    expect(offer.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(offer.manualKey.replace(/ /g, '')).toBe(offer.secret);
  });

  it('given a code from the app, when the secret is accepted, then it is stored sealed with the code step', async () => {
    // Given
    const { secret } = await enrolment.offer('camille@example.fr');
    const code = await generate({ secret });

    // When
    const stored = await enrolment.accept(secret, code);

    // Then
    expect(stored.totpSecret).not.toContain(secret);
    expect(box.open(stored.totpSecret!)).toBe(secret);
    expect(Number(stored.totpLastStep)).toBe(Math.floor(Date.now() / 30_000));
  });

  it('given a wrong code, when the secret is accepted, then it is refused with InvalidTotpCode', async () => {
    // Given
    const { secret } = await enrolment.offer('camille@example.fr');

    // When
    const accepting = enrolment.accept(secret, '000000');

    // Then
    await expect(accepting).rejects.toBeInstanceOf(DomainException);
    await expect(accepting).rejects.toMatchObject({ code: ErrorCode.InvalidTotpCode });
  });
});
