/** La Poste's SIREN: its establishments' SIRETs use a digit-sum key instead of Luhn. */
const LA_POSTE_SIREN = '356000000';

/** Removes the spaces people type or copy between digit groups ("217 500 016 00019"). */
export function normalizeSiret(value: string): string {
  return value.replace(/\s+/g, '');
}

/**
 * A SIRET is 14 digits whose Luhn key is right. La Poste's establishments (SIREN 356000000) are
 * numbered beyond what one Luhn key allows, so INSEE gives them another rule: the sum of the 14
 * digits is a multiple of 5 (its head office, 35600000000048, still passes Luhn).
 */
export function isValidSiret(value: string): boolean {
  if (!/^[0-9]{14}$/.test(value)) return false;
  if (luhn(value)) return true;
  return value.startsWith(LA_POSTE_SIREN) && digitSum(value) % 5 === 0;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // From the right, every second digit is doubled, and 9 taken off when that gives two digits.
    let digit = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return sum % 10 === 0;
}

function digitSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += digits.charCodeAt(i) - 48;
  return sum;
}
