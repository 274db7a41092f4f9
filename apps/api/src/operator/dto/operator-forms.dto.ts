import { PROCEDURE_AREAS, ProcedureArea } from '@relais/structures';
import { Transform } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn } from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

export class PublicServiceAreasForm extends FormDto {
  @Transform(({ value }) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  @IsArray({ message: 'Un service public sert au moins une démarche.' })
  @ArrayMinSize(1, { message: 'Un service public sert au moins une démarche.' })
  @IsIn(PROCEDURE_AREAS, { each: true, message: 'Choisissez des démarches de la liste.' })
  areas: ProcedureArea[];
}
