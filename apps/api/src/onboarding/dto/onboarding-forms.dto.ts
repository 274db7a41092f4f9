import { Transform, Type } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, MaxLength } from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

const TEXT = { message: 'Ce champ doit être un texte.' };
const tooLong = (max: number) => ({ message: `Ce champ comporte au plus ${max} caractères.` });
const toList = ({ value }: { value: unknown }) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** The structure request form (/rejoindre); the rules are StructureRequestsService's (validRequest). */
export class StructureRequestForm extends FormDto {
  @IsOptional()
  @IsString(TEXT)
  @MaxLength(30, tooLong(30))
  siret?: string;

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(200, tooLong(200))
  name?: string;

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(300, tooLong(300))
  address?: string;

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(40, tooLong(40))
  type?: string;

  @IsOptional()
  @Transform(toList)
  @IsArray({ message: 'Choisissez des démarches de la liste.' })
  @IsString({ each: true, message: 'Choisissez des démarches de la liste.' })
  @MaxLength(40, { each: true, message: 'Choisissez des démarches de la liste.' })
  areas?: string[];

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(100, tooLong(100))
  supervisorGivenName?: string;

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(100, tooLong(100))
  supervisorFamilyName?: string;

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(254, { message: 'L’adresse électronique comporte au plus 254 caractères.' })
  supervisorEmail?: string;

  @IsOptional()
  @IsString(TEXT)
  @MaxLength(20_000, tooLong(20_000))
  plannedAides?: string;

  /** Which button: send the request, or keep it as a draft. */
  @IsOptional()
  @IsIn(['submit', 'draft'], { message: 'Choisissez « Envoyer la demande » ou « Enregistrer le brouillon ».' })
  intent?: 'submit' | 'draft';
}

export class NewLinkForm extends FormDto {
  @IsString({ message: 'Indiquez le numéro SIRET.' })
  @MaxLength(30, tooLong(30))
  siret: string;

  @IsString({ message: 'Indiquez l’adresse électronique.' })
  @MaxLength(254, { message: 'L’adresse électronique comporte au plus 254 caractères.' })
  supervisorEmail: string;
}

/** Asking for changes or refusing: the message the applicant reads. */
export class OperatorMessageForm extends FormDto {
  @IsOptional()
  @IsString(TEXT)
  @MaxLength(4000, tooLong(4000))
  message?: string;
}

export class RequestListQuery {
  @IsOptional()
  @IsString({ message: 'Choisissez un état de la liste.' })
  @MaxLength(40, { message: 'Choisissez un état de la liste.' })
  etat?: string;

  @IsOptional()
  @IsString({ message: 'Choisissez un département de la liste.' })
  @MaxLength(3, { message: 'Choisissez un département de la liste.' })
  departement?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'Cette page de la liste n’existe pas.' })
  @Min(1, { message: 'Cette page de la liste n’existe pas.' })
  @Max(10_000, { message: 'Cette page de la liste n’existe pas.' })
  page?: number;
}

/** The confirmation of an import preview: its token. */
export class ImportConfirmForm extends FormDto {
  @IsString({ message: 'L’aperçu a expiré : envoyez le fichier à nouveau.' })
  @MaxLength(100, { message: 'L’aperçu a expiré : envoyez le fichier à nouveau.' })
  importToken: string;
}

/** The operator's upload also names the structure. */
export class OperatorImportForm extends FormDto {
  @IsUUID('all', { message: 'Choisissez une structure.' })
  structureId: string;
}
