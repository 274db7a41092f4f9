import { canonicalPayload } from './canonical-payload.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('canonicalPayload', () => {
  it('gives the same bytes whatever the order of the keys', () => {
    // Given the same mandate terms written in two key orders
    const a = canonicalPayload({ structure: 's-1', areas: ['papers', 'money'], end: '2027-01-01' });
    const b = canonicalPayload({ end: '2027-01-01', areas: ['papers', 'money'], structure: 's-1' });
    // Then both are the RFC 8785 form, byte for byte
    expect(text(a)).toBe('{"areas":["papers","money"],"end":"2027-01-01","structure":"s-1"}');
    expect(b).toEqual(a);
  });

  it('writes numbers and non-ASCII text the RFC 8785 way', () => {
    expect(text(canonicalPayload({ n: 1e21, m: 0.1, s: 'Éloïse €' }))).toBe('{"m":0.1,"n":1e+21,"s":"Éloïse €"}');
  });

  it.each([
    ['an array', [1, 2]],
    ['null', null],
  ])('refuses %s: a seal covers a JSON object', (_what, value) => {
    expect(() => canonicalPayload(value as object)).toThrow(TypeError);
  });

  it('refuses values JSON cannot hold rather than signing something else', () => {
    expect(() => canonicalPayload({ amount: Number.NaN })).toThrow();
    expect(() => canonicalPayload({ amount: 1n })).toThrow();
  });
});
