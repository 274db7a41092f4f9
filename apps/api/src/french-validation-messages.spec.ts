import { relaisValidationPipe, ValidationFailedException } from '@relais/exceptions';
import { getMetadataStorage } from 'class-validator';

import * as consoleForms from './console/dto/forms.dto.js';
import * as delegationForms from './delegation/dto/delegation-forms.dto.js';
import * as mandateForms from './mandates/dto/mandate-forms.dto.js';
import * as operatorForms from './operator/dto/operator-forms.dto.js';
import * as onboardingForms from './onboarding/dto/onboarding-forms.dto.js';

type Dto = new () => object;

/** Every DTO class the api's controllers validate. */
const DTOS = Object.entries({
  ...consoleForms,
  ...delegationForms,
  ...mandateForms,
  ...operatorForms,
  ...onboardingForms,
}).filter((entry): entry is [string, Dto] => typeof entry[1] === 'function' && /(Form|Query|Dto)$/.test(entry[0]));

const propertiesOf = (dto: Dto) => [
  ...new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', true, false)
      .map((m) => m.propertyName),
  ),
];

/** Inputs that break every constraint kind: nothing, wrong types, too long, unknown fields. */
function badInputs(dto: Dto): Record<string, unknown>[] {
  const each = (value: unknown) => Object.fromEntries(propertiesOf(dto).map((name) => [name, value]));
  return [{}, { ...each(42), unexpected: 'x' }, each('x'.repeat(3000)), each(['?', '?']), each({ nested: true })];
}

/** Words of class-validator's default messages ("areas must be an array", "property x should not exist"). */
const ENGLISH = /\b(must|should|property|longer than|shorter than|each value|not exist|array|string|uuid|integer)\b/i;

async function problems(dto: Dto, input: Record<string, unknown>): Promise<string[]> {
  try {
    await relaisValidationPipe().transform(input, { type: 'body', metatype: dto });
    return [];
  } catch (error) {
    if (!(error instanceof ValidationFailedException)) throw error;
    return error.fields.flatMap((field) => field.problems);
  }
}

describe('validation messages', () => {
  it('finds the DTOs to check', () => {
    expect(DTOS.map(([name]) => name)).toEqual(
      expect.arrayContaining([
        'LoginForm',
        'NewMandateForm',
        'ConsentForm',
        'PublicServiceAreasForm',
        'DelegationChoiceForm',
      ]),
    );
  });

  it.each(DTOS)('given bad input to %s, when the pipe refuses it, then every message is French', async (_name, dto) => {
    for (const input of badInputs(dto)) {
      const messages = await problems(dto, input);

      // Some inputs suit DTOs whose fields are optional; an unknown field is refused by all.
      if ('unexpected' in input) expect(messages.length).toBeGreaterThan(0);
      for (const message of messages) {
        expect(message).toMatch(/^[A-ZÀ-Ý].*\.$/);
        expect(message).not.toMatch(ENGLISH);
      }
    }
  });

  it('given an empty mandate form, when the pipe refuses it, then the areas carry "Choisissez au moins une démarche."', async () => {
    const refused = await relaisValidationPipe()
      .transform({ duration: 'six_months', channel: 'remote' }, { type: 'body', metatype: mandateForms.NewMandateForm })
      .catch((error: ValidationFailedException) => error);

    const fields = (refused as ValidationFailedException).fields;
    expect(fields.map((field) => field.field)).toEqual(['areas']);
    expect(fields[0].problems[0]).toBe('Choisissez au moins une démarche.');
  });
});
