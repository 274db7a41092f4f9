import { hostileTextProblems, UNEXPECTED_FIELD_MESSAGE, UNSAFE_CHARACTER_MESSAGE } from './hostile-text.js';

describe('hostileTextProblems (what the global pipe refuses before any DTO)', () => {
  it('given ordinary French text, emoji, combining accents and right-to-left text, then there is nothing to refuse', () => {
    expect(
      hostileTextProblems({ nom: 'Lefèvre-Ndiaye', note: 'Très bien 👩🏽‍💻', ar: 'مرحبا', e: 'e\u0301', l: 'a\nb\tc\r\n' }),
    ).toEqual([]);
  });

  it('given a NUL byte or another control character in a value, then that field is refused in French', () => {
    expect(hostileTextProblems({ email: 'a\u0000b@example.fr', nom: 'ok', code: '\u001b[31m' })).toEqual([
      { field: 'email', problems: [UNSAFE_CHARACTER_MESSAGE] },
      { field: 'code', problems: [UNSAFE_CHARACTER_MESSAGE] },
    ]);
  });

  it('given a lone surrogate (half an emoji), then it is refused, while a whole emoji is not', () => {
    expect(hostileTextProblems({ a: 'x\ud83dy' })).toHaveLength(1);
    expect(hostileTextProblems({ a: '\udfff' })).toHaveLength(1);
    expect(hostileTextProblems({ a: '\ud83d\ude00' })).toEqual([]);
  });

  it('given prototype keys (constructor, __proto__, prototype) at any depth, then they are refused as unexpected fields', () => {
    const body = JSON.parse('{"__proto__": {"admin": true}, "constructor": "x", "areas": [{"prototype": 1}]}');

    expect(hostileTextProblems(body)).toEqual([
      { field: '__proto__', problems: [UNEXPECTED_FIELD_MESSAGE] },
      { field: 'constructor', problems: [UNEXPECTED_FIELD_MESSAGE] },
      { field: 'areas.prototype', problems: [UNEXPECTED_FIELD_MESSAGE] },
    ]);
  });

  it('given an unsafe character in a field name, then it is refused without echoing the name', () => {
    expect(hostileTextProblems({ 'a\u0000b': 'x' })).toEqual([
      { field: 'champ', problems: [UNSAFE_CHARACTER_MESSAGE] },
    ]);
  });

  it('given a path parameter (a plain string), then its name is the field', () => {
    expect(hostileTextProblems('abc\u0000', 'id')).toEqual([{ field: 'id', problems: [UNSAFE_CHARACTER_MESSAGE] }]);
  });
});
