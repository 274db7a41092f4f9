import { normalizeEmail } from './email-address.js';

describe('normalizeEmail', () => {
  it('given an address typed with capitals, when it is normalised, then it is lower-cased', () => {
    // Given / When
    const email = normalizeEmail('Camille.Martin@France-Services.FR');

    // Then
    expect(email).toBe('camille.martin@france-services.fr');
  });

  it('given an address pasted with spaces around it, when it is normalised, then the spaces are gone', () => {
    // Given / When
    const email = normalizeEmail('  camille@example.fr \t');

    // Then
    expect(email).toBe('camille@example.fr');
  });
});
