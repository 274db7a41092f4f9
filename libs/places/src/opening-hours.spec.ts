import { frenchOpeningHours } from './opening-hours.js';

describe('frenchOpeningHours', () => {
  it.each([
    ['Mo-Fr 09:00-12:00,14:00-17:30', 'du lundi au vendredi, de 9 h à 12 h et de 14 h à 17 h 30'],
    ['Mo-Fr 09:00-12:00; Sa 09:00-12:00', 'du lundi au vendredi, de 9 h à 12 h ; le samedi, de 9 h à 12 h'],
    ['Tu,Th 14:00-18:00', 'le mardi, le jeudi, de 14 h à 18 h'],
    ['Mo-We,Fr 08:30-12:00; Su off', 'du lundi au mercredi, le vendredi, de 8 h 30 à 12 h ; fermé le dimanche'],
  ])('reads %s in French', (osm, french) => {
    expect(frenchOpeningHours(osm)).toBe(french);
  });

  it.each([['PH off'], ['Mo-Fr 09:00-12:00 "sur rendez-vous"'], ['24/7'], ['Mo 25:00-26:00'], ['']])(
    'keeps %p as written rather than half-translating it',
    (osm) => {
      expect(frenchOpeningHours(osm)).toBe(osm);
    },
  );
});
