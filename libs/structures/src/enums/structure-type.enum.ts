/** What kind of place a structure is. The codes are stored: never rename one. */
export enum StructureType {
  FranceServices = 'france_services',
  Ccas = 'ccas',
  TownHall = 'town_hall',
  SocialServices = 'social_services',
  Association = 'association',
  Other = 'other',
}

export const STRUCTURE_TYPES: readonly StructureType[] = Object.values(StructureType);

/** What people read on screens and documents. */
export const STRUCTURE_TYPE_LABELS: Record<StructureType, string> = {
  [StructureType.FranceServices]: 'Espace France Services',
  [StructureType.Ccas]: 'Centre communal d’action sociale (CCAS)',
  [StructureType.TownHall]: 'Mairie',
  [StructureType.SocialServices]: 'Service social',
  [StructureType.Association]: 'Association',
  [StructureType.Other]: 'Autre structure',
};

export function isStructureType(value: string): value is StructureType {
  return (STRUCTURE_TYPES as readonly string[]).includes(value);
}
