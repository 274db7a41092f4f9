import { IsOptional, IsString, MaxLength } from 'class-validator';

export class PlaceSearchQuery {
  /** A postcode, a town or a département number. */
  @IsOptional()
  @IsString({ message: 'Indiquez un code postal, une ville ou un département.' })
  @MaxLength(80, { message: 'Indiquez un code postal, une ville ou un département (80 caractères au plus).' })
  q?: string;
}
