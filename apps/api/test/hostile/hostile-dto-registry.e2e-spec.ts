import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { projectRoot } from '@relais/config';

import { discoverDtos, HOSTILE_DTOS } from './dto-registry.js';

describe('every DTO has hostile-input cases', () => {
  const root = projectRoot();
  const found = discoverDtos(root);

  it('given the source, when its DTO classes are found, then they are the ones the registry lists (a new DTO needs its hostile cases)', () => {
    const names = [...new Set(found.map((dto) => dto.name))].sort();

    expect(names).toEqual(Object.keys(HOSTILE_DTOS).sort());
    expect(names.length).toBeGreaterThanOrEqual(28);
  });

  it.each(Object.entries(HOSTILE_DTOS))(
    'given %s in the registry, then %s.e2e-spec.ts sends it generated cases',
    (dto, suite) => {
      const spec = readFileSync(join(root, `apps/api/test/hostile/${suite}.e2e-spec.ts`), 'utf8');

      expect(spec).toContain(`dto: '${dto}'`);
    },
  );

  it('given a class with a class-validator decorator in a new file, when the source is scanned, then it is found', () => {
    const names = found.map((dto) => `${dto.file}:${dto.name}`);

    expect(names).toContain('apps/api/src/console/dto/forms.dto.ts:LoginForm');
    expect(names).toContain('apps/api/src/delegation/dto/delegation-forms.dto.ts:DelegationSearchQuery');
    expect(names.some((name) => name.includes('structure-requests.service'))).toBe(false);
  });
});
