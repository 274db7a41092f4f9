/** Keys that may carry personal data or secrets, wherever they appear in a log line. */
const SENSITIVE_KEYS = [
  'password',
  'totp',
  'code',
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
  'name',
];

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SENSITIVE_KEYS.flatMap((key) => [key, `*.${key}`]),
];
