import { z } from 'zod';

import {
  DEVELOPMENT_FRANCECONNECT_CLIENT_SECRET,
  DEVELOPMENT_SECRETS_KEY,
  envSchema,
  type RelaisConfig,
} from './env.schema.js';
import { InvalidConfigurationError } from './invalid-configuration.error.js';

/** Validates the environment once; the result is frozen. Throws naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): RelaisConfig {
  const relevant = Object.fromEntries(
    Object.keys(envSchema.shape).map((name) => [name, env[name] === '' ? undefined : env[name]]),
  );
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new InvalidConfigurationError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  if (parsed.data.NODE_ENV === 'production') {
    const problems = [
      parsed.data.SECRETS_KEY === DEVELOPMENT_SECRETS_KEY &&
        'SECRETS_KEY: the development key cannot be used in production',
      parsed.data.FRANCECONNECT_CLIENT_SECRET === DEVELOPMENT_FRANCECONNECT_CLIENT_SECRET &&
        'FRANCECONNECT_CLIENT_SECRET: the identity sandbox secret cannot be used in production',
    ].filter((problem) => typeof problem === 'string');
    if (problems.length > 0) throw new InvalidConfigurationError(problems);
  }
  return Object.freeze(parsed.data);
}

export interface EnvVarDoc {
  name: string;
  description: string;
  defaultValue: string;
  sensitive: boolean;
}

/** Describes every setting, for the generated docs/env-vars.md. */
export function describeEnvVars(): EnvVarDoc[] {
  return Object.entries(envSchema.shape).map(([name, schema]) => {
    const meta = (z.globalRegistry.get(schema) ?? {}) as { description?: string; sensitive?: boolean };
    const parsed = schema.safeParse(undefined);
    return {
      name,
      description: meta.description ?? schema.description ?? '',
      defaultValue: !parsed.success ? '(required)' : parsed.data === undefined ? '(unset)' : String(parsed.data),
      sensitive: meta.sensitive === true,
    };
  });
}
