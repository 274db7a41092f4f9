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
  @IsArray({ message: 'Choisissez au moins une démarche.' })
  @ArrayMinSize(1, { message: 'Choisissez au moins une démarche.' })
  @ArrayMaxSize(PROCEDURE_AREAS.length, { message: 'Choisissez des démarches de la liste.' })
  @IsIn(PROCEDURE_AREAS, { each: true, message: 'Choisissez des démarches de la liste.' })
  areas: ProcedureArea[];

  @IsIn(Object.values(MandateDuration), { message: 'Choisissez une durée.' })
  duration: MandateDuration;

  @IsIn(Object.values(ConsentChannel), { message: 'Indiquez où la personne donnera son accord.' })
  channel: ConsentChannel;

  @IsOptional()
  @IsUUID('all', { message: 'Le mandat à renouveler est introuvable : repartez de sa fiche.' })
  renews?: string;
}

const PAGE_MESSAGE = 'Cette page de la liste n’existe pas.';

export class MandateListQuery {
  @IsOptional()
  @IsString({ message: 'Saisissez un nom.' })
  @MaxLength(100, { message: 'Le nom comporte au plus 100 caractères.' })
  nom?: string;

  @IsOptional()
  @IsIn([...Object.values(MandateState), ''], { message: 'Choisissez un état de la liste.' })
  etat?: MandateState | '';

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: PAGE_MESSAGE })
  @Min(1, { message: PAGE_MESSAGE })
  @Max(10_000, { message: PAGE_MESSAGE })
  page?: number;
}

export class RevocationForm extends FormDto {
  @IsOptional()
  @IsIn(PROCEDURE_AREAS, { message: 'Choisissez une démarche du mandat.' })
  area?: ProcedureArea;

  @Equals('oui', { message: 'Cochez la case pour confirmer que la personne est présente et demande l’arrêt.' })
  citizenPresent: string;
}

const TEXT_EXPIRED = 'La page a expiré : rechargez-la, relisez le texte puis répondez.';

export class ConsentForm extends FormDto {
  @IsIn(['accepter', 'refuser'], { message: 'Répondez oui ou non.' })
  decision: 'accepter' | 'refuser';

  @IsString({ message: TEXT_EXPIRED })
  @MaxLength(50, { message: TEXT_EXPIRED })
  version: string;

  @IsString({ message: TEXT_EXPIRED })
  @MaxLength(100, { message: TEXT_EXPIRED })
  digest: string;

  /** The language of the translation shown beside the French text ('' or absent: French only). */
  @IsOptional()
  @IsString({ message: TEXT_EXPIRED })
  @MaxLength(20, { message: TEXT_EXPIRED })
  langue?: string;

  /** The digest of that translation as shown. */
  @IsOptional()
  @IsString({ message: TEXT_EXPIRED })
  @MaxLength(100, { message: TEXT_EXPIRED })
  traduction?: string;
}
