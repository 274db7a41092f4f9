import { z } from 'zod';

/** Publicly known, so refused in production (see loadConfig). */
export const DEVELOPMENT_SECRETS_KEY = 'cmVsYWlzLWRldmVsb3BtZW50LWtleS1ub3QtcHJvZCE=';

/** The identity sandbox's client secret: published in its README, so refused in production. */
export const DEVELOPMENT_FRANCECONNECT_CLIENT_SECRET = 'relais-local-secret';

/** A boolean read from the environment: only "true" and "false" are accepted. */
const flag = (fallback: boolean) =>
  z
    .enum(['true', 'false'])
    .default(fallback ? 'true' : 'false')
    .transform((value) => value === 'true');

const url = (protocols: string[]) =>
  z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
    message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  });

/**
 * Every setting Relais reads, with its default and what it is for. The env-var table in
 * docs/env-vars.md is generated from this object (`npm run docs:env`); `sensitive` ones are
 * never printed.
 */
export const envSchema = z.object({
  NODE_ENV: z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('Runtime mode; development reloads templates on each request, production caches assets for 7 days.'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000).describe('HTTP port of the api.'),
  ISSUER: url(['http:', 'https:'])
    .default('http://localhost:3000')
    .describe('Public base URL of the api, as browsers and public services reach it.'),
  DATABASE_URL: url(['postgres:', 'postgresql:'])
    .default('postgres://postgres@127.0.0.1:5432/relais')
    .describe('PostgreSQL connection URL; the database is created if it does not exist.')
    .meta({ sensitive: true }),
  DATABASE_POOL_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200)
    .default(10)
    .describe('Maximum PostgreSQL connections per process.'),
  REDIS_URL: url(['redis:', 'rediss:'])
    .default('redis://127.0.0.1:6379')
    .describe('Redis connection URL (queues, console sessions, login rate limits, OpenID provider state).')
    .meta({ sensitive: true }),
  REDIS_CLUSTER_NODES: z
    .string()
    .refine(
      (value) =>
        value
          .split(',')
          .every((node) => URL.canParse(node.trim()) && ['redis:', 'rediss:'].includes(new URL(node.trim()).protocol)),
      { message: 'must be redis:// or rediss:// URLs separated by commas' },
    )
    .optional()
    .describe(
      'Set to use a Redis Cluster instead of REDIS_URL: some of its nodes as `redis://` or `rediss://` URLs separated by commas (the others are discovered); the first one gives the user, password and TLS of every node. Every key that a command or script uses together shares a hash tag (see docs/kubernetes.md).',
    )
    .meta({ sensitive: true }),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'letters, digits, "-" and "_" only')
    .default('relais')
    .describe('Prefix of every Redis key, so several environments can share one Redis.'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('Minimum level of the JSON logs written to stdout.'),
  AUDIT_SEAL_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(1000)
    .describe('How often the worker seals pending audit events into the journal.'),
  AUDIT_SEAL_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(50_000)
    .default(5000)
    .describe('How many audit events one sealing transaction takes at most.'),
  AUDIT_CHECKPOINT_EVERY_ENTRIES: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_000_000)
    .default(10_000)
    .describe('The worker signs a journal checkpoint every this many sealed entries (one at each multiple of it).'),
  AUDIT_CHECKPOINT_EVERY_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(10_080)
    .default(60)
    .describe(
      'The worker also signs a checkpoint of the last sealed entry when the newest checkpoint is older than this, if entries were sealed since.',
    ),
  STRUCTURE_REQUEST_RETENTION_MONTHS: z.coerce
    .number()
    .int()
    .min(1)
    .max(120)
    .default(12)
    .describe(
      "Months a refused or closed request to join is kept with the applicant's name and address and the planned aides; then the daily retention job removes them. The request itself (SIRET, structure) and the journal stay.",
    ),
  RETENTION_YEARS: z.coerce
    .number()
    .int()
    .min(1)
    .max(30)
    .default(6)
    .describe(
      "Years a mandate is kept after it ended (expired, revoked or refused); then a daily job removes the citizen's personal data once none of their mandates is younger. The journal stays, pseudonymous.",
    ),
  EXPIRY_SWEEP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(3_600_000)
    .default(60_000)
    .describe(
      'How often the worker sweeps for mandates past their end still marked active (the safety net behind the delayed expiry jobs).',
    ),
  EXPIRY_BATCH_SIZE: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(5000)
    .describe('How many mandates one expiry transaction ends at most.'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(2)
    .describe('How many jobs of the mandates queue (expiry, revocation propagation) one worker runs at once.'),
  WORKER_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(3_600_000)
    .default(60_000)
    .describe(
      "On SIGTERM a worker lets its jobs in progress finish, then exits; past this it exits anyway and BullMQ gives the unfinished jobs to another worker (every job is idempotent). Keep the orchestrator's grace period above it (Kubernetes: terminationGracePeriodSeconds).",
    ),
  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65_535)
    .optional()
    .describe(
      "Port of the worker's Prometheus metrics endpoint (`/metrics`), for the monitoring network only; unset: no endpoint.",
    ),
  SECRETS_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64')
    .default(DEVELOPMENT_SECRETS_KEY)
    .describe(
      'Key (32 bytes, base64) encrypting secrets at rest, such as TOTP seeds. The default is for development only: production refuses it. Generate one with `openssl rand -base64 32`.',
    )
    .meta({ sensitive: true }),
  SECRETS_KEY_PREVIOUS: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes encoded in base64')
    .optional()
    .describe(
      'The SECRETS_KEY being replaced, during a rotation only: what it encrypted still opens, and `secrets:rotate` encrypts it again under SECRETS_KEY. Unset once the rotation is done (docs/operations.md).',
    )
    .meta({ sensitive: true }),
  SMTP_URL: url(['smtp:', 'smtps:'])
    .optional()
    .describe(
      'SMTP server the worker sends emails through, e.g. `smtp://user:pass@host:587` (STARTTLS when offered; add `?requireTLS=true` to insist) or `smtps://user:pass@host:465`. Unset: delivery is off and emails stay pending in the `notifications` table.',
    )
    .meta({ sensitive: true }),
  MAIL_FROM: z
    .string()
    .regex(
      /^([^<>]*<[^<>\s@]+@[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+)$/,
      'must be an address, e.g. "Relais <ne-pas-repondre@example.fr>"',
    )
    .default('Relais <ne-pas-repondre@relais.localhost>')
    .describe('Sender of the emails to aides (From header), e.g. `Relais <ne-pas-repondre@example.fr>`.'),
  FRANCECONNECT_ISSUER: url(['http:', 'https:'])
    .default('http://localhost:3100')
    .describe(
      'FranceConnect issuer Relais identifies citizens with (discovery at `<issuer>/.well-known/openid-configuration`). The default is the local identity sandbox (`npm run start:sandbox`); FranceConnect gives the issuers of its integration and production environments. Plain http is for local use: in production it is refused when a citizen logs in.',
    ),
  FRANCECONNECT_CLIENT_ID: z
    .string()
    .min(1)
    .default('relais-local')
    .describe("Client id of Relais at FranceConnect (the sandbox's is `relais-local`)."),
  FRANCECONNECT_CLIENT_SECRET: z
    .string()
    .min(1)
    .default(DEVELOPMENT_FRANCECONNECT_CLIENT_SECRET)
    .describe(
      "Client secret of Relais at FranceConnect, sent with `client_secret_post`. The default is the identity sandbox's: production refuses it.",
    )
    .meta({ sensitive: true }),
  FRANCECONNECT_ACR: z
    .string()
    .regex(/^[a-z0-9_-]+$/i, 'one acr value, e.g. eidas1')
    .default('eidas1')
    .describe('Level of assurance asked of FranceConnect (`acr_values`) and required in the ID token (`acr`).'),
  STATISTICS_MIN_COUNT: z.coerce
    .number()
    .int()
    .min(2)
    .max(100)
    .default(5)
    .describe(
      'Public statistics (`/statistiques`): counts from 1 to this minus one are masked, so no figure singles someone out.',
    ),
  REPORT_EXPIRY_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24)
    .describe(
      'Audit report exports (PDF, CSV) stay downloadable this many hours; the worker then deletes them from PostgreSQL.',
    ),
  REPORT_REQUEUE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(60)
    .describe(
      'Report exports still waiting this many seconds (their job was lost, e.g. Redis was down when they were asked for) are queued again by the worker, which looks for them as often.',
    ),
  SHOW_STATE_BRAND: flag(false).describe(
    'Show the "République Française" brand block: only for State services allowed to use it.',
  ),
  TRUST_PROXY: z.coerce
    .number()
    .int()
    .min(0)
    .max(5)
    .optional()
    .describe(
      'How many reverse proxies (load balancer, ingress) stand between clients and the api: the client IP (rate limits) is the address the farthest of them saw in `X-Forwarded-For`, and `X-Forwarded-Proto` is trusted from them. Default: 1 when ISSUER is https, else 0 (clients reach the api directly).',
    ),
});

export type RelaisConfig = Readonly<z.infer<typeof envSchema>>;
