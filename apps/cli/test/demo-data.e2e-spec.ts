import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Authenticator } from '@relais/aides';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { generate } from 'otplib';

import { CliModule } from '../src/cli.module.js';
import { DEMO_PASSWORD, seedDemoData } from '../src/commands/demo-data.js';

/** A code of the next 30 s step: the seed already used the current one at enrolment. */
const nextCode = (secret: string) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 });

describe('demo seed', () => {
  let env: TestEnvironment;
  let app: INestApplicationContext;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await NestFactory.createApplicationContext(CliModule, { logger: ['error', 'warn'] });
  });

  afterAll(async () => {
    await app?.close();
    await env.dispose();
  });

  it('given an empty database, when the demo is seeded, then every printed account logs in with its password and TOTP key', async () => {
    // Given / When
    const accounts = await seedDemoData(app);

    // Then
    const authenticator = app.get(Authenticator);
    expect(accounts.length).toBeGreaterThan(0);
    for (const account of accounts) {
      const aide = await authenticator.checkPassword(account.email, DEMO_PASSWORD);
      await expect(authenticator.completeLogin(aide.id, await nextCode(account.totpSecret))).resolves.toMatchObject({
        id: aide.id,
      });
    }
  });

  it('given a seeded database, when the demo is seeded again, then the accounts and their keys are unchanged', async () => {
    // Given
    const first = await seedDemoData(app);

    // When
    const second = await seedDemoData(app);

    // Then
    expect(second).toEqual(first);
  });
});
