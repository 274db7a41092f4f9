import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ErrorCode } from './enums/error-code.enum.js';
import { ERROR_CATALOGUE } from './error-catalogue.js';
import { errorsMarkdown } from './errors-markdown.js';

describe('the error catalogue', () => {
  it('gives every code a status, a French title and message, and a description', () => {
    for (const code of Object.values(ErrorCode)) {
      const entry = ERROR_CATALOGUE[code];
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.title.length).toBeGreaterThan(3);
      expect(entry.message.length).toBeGreaterThan(10);
      expect(entry.when.length).toBeGreaterThan(5);
    }
  });

  it('is what docs/errors.md says (run `npm run docs:errors` after changing it)', () => {
    // Given the committed documentation
    const committed = readFileSync(join(process.cwd(), 'docs/errors.md'), 'utf8');
    // Then it is exactly the one generated from the catalogue, every code included
    expect(committed).toBe(errorsMarkdown());
    for (const code of Object.values(ErrorCode)) expect(committed).toContain(`| \`${code}\` |`);
  });
});
