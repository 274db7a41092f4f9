/**
 * Lower case, no accents, single spaces: how names and towns are searched. Stored search columns
 * (citizens' names, places' towns) and the searched text go through the same function.
 */
export function searchable(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
