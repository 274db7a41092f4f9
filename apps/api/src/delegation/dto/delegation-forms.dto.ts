import { PROCEDURE_AREAS, ProcedureArea } from '@relais/structures';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

export class DelegationSearchQuery {
  @IsOptional()
  @IsString({ message: 'Saisissez un nom.' })
  @MaxLength(100, { message: 'Le nom comporte au plus 100 caractères.' })
  nom?: string;

  /** From an <input type="date">: YYYY-MM-DD, or empty. */
  @IsOptional()
  @Matches(/^(\d{4}-\d{2}-\d{2})?$/, { message: 'La date de naissance s’écrit JJ/MM/AAAA.' })
  naissance?: string;
}

export class DelegationChoiceForm extends FormDto {
  @IsUUID('all', { message: 'Choisissez une personne de la liste.' })
  citoyen: string;

  @IsIn(PROCEDURE_AREAS, { message: 'Choisissez une démarche.' })
  demarche: ProcedureArea;
}
