import { isStructureType, STRUCTURE_TYPE_LABELS, STRUCTURE_TYPES } from './structure-type.enum.js';

describe('structure types', () => {
  it('give every type a French label', () => {
    expect(Object.keys(STRUCTURE_TYPE_LABELS).sort()).toEqual([...STRUCTURE_TYPES].sort());
  });

  it.each([
    ['france_services', true],
    ['town_hall', true],
    ['mairie', false],
    ['', false],
  ])('tells whether %j is a type', (value, expected) => {
    expect(isStructureType(value)).toBe(expected);
  });
});
