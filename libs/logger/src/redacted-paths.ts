/**
 * Keys that may carry personal data or secrets, at the top level and two levels down in a log
 * line (pino has no deep wildcard). Logged objects should carry identifiers only anyway.
 */
const SENSITIVE_KEYS = [
  'password',
  'totp',
  'token',
  'secret',
  'email',
  'phone',
  'given_name',
  'family_name',
  'preferred_username',
  'birthdate',
  'birthplace',
  'birthcountry',
  'address',
  'full_name',
];

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];
