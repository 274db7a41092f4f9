/**
 * Statistical secrecy for one column of a published table: a count between 1 and `threshold - 1`
 * could single someone out, so it is masked (null). When the column's total is published too, a
 * single masked cell could be recomputed by subtraction: the smallest other non-zero cell is then
 * masked as well (secondary suppression). Zero is published: it singles nobody out.
 */
export function maskSmallCounts(values: readonly number[], threshold: number): (number | null)[] {
  const masked: (number | null)[] = values.map((value) => (value > 0 && value < threshold ? null : value));
  if (masked.filter((value) => value === null).length !== 1) return masked;
  let smallest = -1;
  masked.forEach((value, index) => {
    if (value !== null && value > 0 && (smallest < 0 || value < (masked[smallest] as number))) smallest = index;
  });
  if (smallest >= 0) masked[smallest] = null;
  return masked;
}

/** A single published figure (a total): masked when small, like any cell. */
export function maskSmallCount(value: number, threshold: number): number | null {
  return value > 0 && value < threshold ? null : value;
}
