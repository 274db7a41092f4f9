import { singleLine, toWinAnsi } from './win-ansi.js';

describe('toWinAnsi', () => {
  it('keeps French text as it is: accents, guillemets, apostrophes, œ and €', () => {
    const french = '« Élodie Dupont-Léger » n’a qu’un cœur, 12 €, ça où Noël ÀÇÉÈÊËÎÏÔÙÛÜŸ…';
    expect(toWinAnsi(french)).toBe(french);
  });

  it('turns the narrow spaces of toLocaleString("fr-FR") into no-break spaces the fonts hold', () => {
    // Given a number and a time formatted the French way, with U+202F in them
    const formatted = `${(1234567.5).toLocaleString('fr-FR')} ; 17\u202fh\u202f12`;
    // Then no character is left outside WinAnsi
    expect(toWinAnsi(formatted)).toBe('1\u00a0234\u00a0567,5 ; 17\u00a0h\u00a012');
  });

  it('keeps the letter and drops only the accents WinAnsi cannot draw', () => {
    expect(toWinAnsi('Łukasz Şahin, Nguyễn Thị Ánh, Dvořák, Ǆ')).toBe('Lukasz Sahin, Nguyên Thi Ánh, Dvorák, DŽ');
  });

  it('composes decomposed accents instead of losing them', () => {
    expect(toWinAnsi('E\u0301lodie')).toBe('Élodie');
  });

  it('prints a question mark for a character with no look-alike, never a code the font lacks', () => {
    expect(toWinAnsi('李 🙂')).toBe('? ?');
  });

  it('replaces control characters by spaces and drops invisible ones', () => {
    expect(toWinAnsi('a\tb\u0007c\u200bd\u00ade\r\nf')).toBe('a b cde\nf');
  });
});

describe('singleLine', () => {
  it('puts a name or an address on one line', () => {
    expect(singleLine('  12 rue  de la Paix\n75002 Paris ')).toBe('12 rue de la Paix 75002 Paris');
  });
});
