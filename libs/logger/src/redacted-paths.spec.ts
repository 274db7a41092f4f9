import { Writable } from 'node:stream';

import { pino } from 'pino';

import { REDACTED_PATHS } from './redacted-paths.js';

function logLine(value: Record<string, unknown>): string {
  let output = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink).info(value, 'message');
  return output;
}

describe('log redaction', () => {
  it('hides personal data at the top level and two levels down', () => {
    const line = logLine({
      email: 'zoe@example.fr',
      citizen: { given_name: 'Zoé', family_name: 'Lefèvre' },
      session: { aide: { phone: '0601020304', password: 'hunter2hunter2' } },
    });
    expect(line).not.toMatch(/zoe@example|Zoé|Lefèvre|0601020304|hunter2/);
    expect(line).toContain('[redacted]');
  });

  it('hides credentials in request headers', () => {
    const line = logLine({ req: { headers: { authorization: 'Bearer abc.def', cookie: 'sid=s3cr3t' } } });
    expect(line).not.toMatch(/abc\.def|s3cr3t/);
  });

  it('keeps identifiers and diagnostics', () => {
    const line = logLine({ mandateId: 'm-123', err: { code: 'ECONNREFUSED' }, sealed: 12 });
    expect(JSON.parse(line)).toMatchObject({ mandateId: 'm-123', err: { code: 'ECONNREFUSED' }, sealed: 12 });
  });
});
