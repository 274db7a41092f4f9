import { IsBirthdate } from '@relais/dates';
import { PROCEDURE_AREAS, ProcedureArea } from '@relais/structures';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength, ValidateIf } from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

export class DelegationSearchQuery {
  @IsOptional()
  @IsString({ message: 'Saisissez un nom.' })
  @MaxLength(100, { message: 'Le nom comporte au plus 100 caractères.' })
  nom?: string;

  /** From an <input type="date">: YYYY-MM-DD (a day that exists), or empty. */
  @IsOptional()
  @ValidateIf((_search, value) => value !== '')
  @IsBirthdate()
  naissance?: string;
}

export class DelegationChoiceForm extends FormDto {
  @IsUUID('all', { message: 'Choisissez une personne de la liste.' })
  citoyen: string;

  @IsIn(PROCEDURE_AREAS, { message: 'Choisissez une démarche.' })
  demarche: ProcedureArea;
}
