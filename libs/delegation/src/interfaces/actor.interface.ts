/** Who acts (the logged-in aide in their current structure). */
export interface Actor {
  aideId: string;
  structureId: string;
}
