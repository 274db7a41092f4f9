import { Injectable } from '@nestjs/common';
import { CompactSign } from 'jose';

import { canonicalPayload } from '../canonical-payload.js';
import { SEAL_TYP, verifyCompactJws, type SealHeader } from '../compact-jws.js';
import type { VerificationResult } from '../interfaces/verification-result.interface.js';
import { SIGNING_ALG } from '../key-material.js';
import { KeyStore } from './key-store.service.js';

/**
 * Seals JSON objects as compact JWS (ES256) with the platform's active key, over their RFC 8785
 * canonical form, and verifies seals against every key the platform ever had.
 */
@Injectable()
export class Signer {
  constructor(private readonly keys: KeyStore) {}

  async sign(payload: object): Promise<string> {
    const bytes = canonicalPayload(payload);
    const { kid, privateKey } = await this.keys.signingKey();
    const header: SealHeader = { alg: SIGNING_ALG, kid, typ: SEAL_TYP };
    return new CompactSign(bytes).setProtectedHeader(header).sign(privateKey);
  }

  /**
   * The signed payload, or why the JWS is refused. With `expectedPayload`, the JWS must also
   * cover exactly that object (compared in canonical form).
   */
  verify(jws: string, expectedPayload?: object): Promise<VerificationResult> {
    return verifyCompactJws(jws, (kid) => this.keys.verificationKey(kid), expectedPayload);
  }
}
