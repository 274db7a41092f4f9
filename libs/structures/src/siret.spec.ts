import { isValidSiret, normalizeSiret } from './siret.js';

describe('isValidSiret', () => {
  it.each([
    ['a town hall shape', '21750001600019'],
    ['a public body shape', '13002526500013'],
    ['a company shape', '73282932000074'],
    ['another company shape', '55210055400013'],
    ['a département shape', '26692001000037'],
    ['La Poste head office, which passes Luhn', '35600000000048'],
    ['a La Poste establishment: digit sum 45, not Luhn', '35600000049837'],
    ['a La Poste establishment: digit sum 20, not Luhn', '35600000000015'],
  ])('accepts %s (%s)', (_shape, siret) => {
    expect(isValidSiret(siret)).toBe(true);
  });

  it.each([
    ['a wrong check digit', '21750001600018'],
    ['two swapped digits', '21750001600091'],
    ['a La Poste number failing both rules (digit sum 29)', '35600000012345'],
    ['a digit-sum-of-5 number that is not La Poste', '10000000000004'],
    ['13 digits', '2175000160001'],
    ['15 digits', '217500016000190'],
    ['letters', '2175000160001A'],
    ['spaces left in', '217 500 016 00019'],
    ['an empty string', ''],
  ])('refuses %s (%s)', (_problem, siret) => {
    expect(isValidSiret(siret)).toBe(false);
  });
});

describe('normalizeSiret', () => {
  it('removes the spaces between digit groups', () => {
    expect(normalizeSiret(' 217 500 016 00019 ')).toBe('21750001600019');
  });

  it('keeps other characters, so a malformed value stays invalid', () => {
    expect(normalizeSiret('217-500-016-00019')).toBe('217-500-016-00019');
  });
});
