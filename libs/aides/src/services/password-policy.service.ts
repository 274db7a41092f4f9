import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as fr from '@zxcvbn-ts/language-fr';

export const PASSWORD_MIN_LENGTH = 12;
const PASSWORD_MAX_LENGTH = 128;

/**
 * Password rules and hashing: at least 12 characters, not guessable (zxcvbn score ≥ 3 with the
 * common-password and French dictionaries, and the person's own email and names), argon2id.
 */
@Injectable()
export class PasswordPolicy {
  private readonly strength = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...fr.dictionary },
    graphs: common.adjacencyGraphs,
  });

  /** Throws WeakPassword (too short) or GuessablePassword; personal words make a password weaker. */
  assertAcceptable(password: string, personalWords: (string | null | undefined)[] = []): void {
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      throw new DomainException(ErrorCode.WeakPassword);
    }
    const personal = personalWords.filter((word): word is string => !!word).map((word) => word.toLowerCase());
    const words = personal.flatMap((word) => [word, ...word.split(/[@.\s_-]+/)]);
    const containsPersonal = personal.some(
      (word) => word.length >= 4 && password.toLowerCase().includes(word.split('@')[0]),
    );
    if (containsPersonal || this.strength.check(password, words).score < 3) {
      throw new DomainException(ErrorCode.GuessablePassword);
    }
  }

  hash(password: string): Promise<string> {
    return hash(password); // argon2id, OWASP parameters (m=19 MiB, t=2, p=1)
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password);
  }
}
