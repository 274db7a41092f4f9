import { ConsentChannel, MandateDuration, MandateState } from '@relais/mandates';
import { PROCEDURE_AREAS, ProcedureArea } from '@relais/structures';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

/** One checkbox ticked arrives as a string, several as an array, none as nothing. */
const asList = ({ value }: { value: unknown }) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export class NewMandateForm extends FormDto {
  @Transform(asList)
  @IsArray()
  @ArrayMinSize(1, { message: 'Choisissez au moins une démarche.' })
  @ArrayMaxSize(PROCEDURE_AREAS.length)
  @IsIn(PROCEDURE_AREAS, { each: true, message: 'Choisissez des démarches de la liste.' })
  areas: ProcedureArea[];

  @IsIn(Object.values(MandateDuration), { message: 'Choisissez une durée.' })
  duration: MandateDuration;

  @IsIn(Object.values(ConsentChannel), { message: 'Indiquez où la personne donnera son accord.' })
  channel: ConsentChannel;

  @IsOptional()
  @IsUUID()
  renews?: string;
}

export class MandateListQuery {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  nom?: string;

  @IsOptional()
  @IsIn([...Object.values(MandateState), ''])
  etat?: MandateState | '';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page?: number;
}

export class RevocationForm extends FormDto {
  @IsOptional()
  @IsIn(PROCEDURE_AREAS)
  area?: ProcedureArea;

  @Equals('oui', { message: 'Cochez la case pour confirmer que la personne est présente et demande l’arrêt.' })
  citizenPresent: string;
}

export class ConsentForm extends FormDto {
  @IsIn(['accepter', 'refuser'])
  decision: 'accepter' | 'refuser';

  @IsString()
  @MaxLength(50)
  version: string;

  @IsString()
  @MaxLength(100)
  digest: string;
}
