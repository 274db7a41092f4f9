import { searchable } from './searchable.js';

describe('searchable', () => {
  it.each([
    ['Marie-Thérèse Hélène LEFÈVRE-NDIAYE', 'marie therese helene lefevre ndiaye'],
    ['  Saint-Étienne-du-Rouvray ', 'saint etienne du rouvray'],
    ["L'Haÿ-les-Roses", 'l hay les roses'],
    ['Œuvre', 'uvre'],
    ['', ''],
  ])('given %j, then it reads %j', (text, expected) => {
    expect(searchable(text)).toBe(expected);
  });
});
