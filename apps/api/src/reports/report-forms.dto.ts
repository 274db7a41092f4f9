import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

import { FormDto } from '../console/dto/forms.dto.js';

/** The filters of an export, as the console form (GET preview or POST export) sends them. */
export class ReportFiltersForm extends FormDto {
  @IsOptional() @IsString() @MaxLength(20) du?: string;
  @IsOptional() @IsString() @MaxLength(20) au?: string;
  @IsOptional() @IsString() @MaxLength(40) aidant?: string;
  @IsOptional() @IsString() @MaxLength(40) usager?: string;
  @IsOptional() @IsString() @MaxLength(40) demarche?: string;
  @IsOptional() @IsString() @MaxLength(60) action?: string;
  /** Operators only. */
  @IsOptional() @IsString() @MaxLength(20) siret?: string;
}

export class ReportExportForm extends ReportFiltersForm {
  @IsIn(['pdf', 'csv'], { message: 'Choisissez le format : PDF ou CSV.' })
  format: 'pdf' | 'csv';
}
