import { MembershipRole } from '@relais/aides';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

/** Every console form carries the CSRF token (checked by CsrfMiddleware before validation). */
export class FormDto {
  @IsOptional()
  @IsString()
  _csrf?: string;
}

export class LoginForm extends FormDto {
  @IsEmail({}, { message: 'Saisissez une adresse électronique valide.' })
  @MaxLength(254)
  email: string;

  @IsString()
  @MinLength(1, { message: 'Saisissez votre mot de passe.' })
  @MaxLength(128)
  password: string;
}

export class CodeForm extends FormDto {
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'Le code comporte 6 chiffres.' })
  code: string;
}

export class EnrolmentForm extends CodeForm {
  @IsString()
  @MaxLength(2000)
  enrolment: string;
}

export class AccountSetupForm extends EnrolmentForm {
  @IsString()
  @MaxLength(128)
  password: string;

  @IsString()
  @MaxLength(128)
  passwordConfirmation: string;
}

export class StructureChoiceForm extends FormDto {
  @IsUUID()
  structureId: string;
}

/** "123 456" as typed from an app → "123456". */
export const digits = (code: string) => code.replace(/\s/g, '');

export class InviteAideForm extends FormDto {
  @IsEmail({}, { message: 'Saisissez une adresse électronique valide.' })
  @MaxLength(254)
  email: string;

  @IsIn(Object.values(MembershipRole), { message: 'Choisissez un rôle.' })
  role: MembershipRole;
}
