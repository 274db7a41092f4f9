import { PROCEDURE_AREAS, ProcedureArea } from '@relais/structures';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

/** Stop one area (`area`) or the whole mandate (no area). */
export class StopForm extends FormDto {
  @IsOptional()
  @IsIn(PROCEDURE_AREAS, { message: 'Cette démarche n’existe pas.' })
  area?: ProcedureArea;
}

/** `?demarche=` on the confirmation page: the area to stop, or none for the whole mandate. */
export class StopQuery {
  @IsOptional()
  @IsIn(PROCEDURE_AREAS, { message: 'Cette démarche n’existe pas.' })
  demarche?: ProcedureArea;
}

export class UsesQuery {
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Le numéro de page est un nombre.' })
  @Min(1, { message: 'Le numéro de page commence à 1.' })
  @Max(100_000, { message: 'Ce numéro de page est trop grand.' })
  page?: number;
}
