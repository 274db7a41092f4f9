import { MembershipRole } from '@relais/aides';
import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';

/** Every console form carries the CSRF token (checked by CsrfMiddleware before validation). */
const EMAIL_MESSAGE = 'Saisissez une adresse électronique valide, par exemple nom@domaine.fr.';
const EMAIL_TOO_LONG = 'L’adresse électronique comporte au plus 254 caractères.';
const PASSWORD_TOO_LONG = 'Le mot de passe comporte au plus 128 caractères.';

export class FormDto {
  @IsOptional()
  @IsString({ message: 'La page a expiré : rechargez-la puis réessayez.' })
  _csrf?: string;
}

export class LoginForm extends FormDto {
  @IsEmail({}, { message: EMAIL_MESSAGE })
  @MaxLength(254, { message: EMAIL_TOO_LONG })
  email: string;

  @IsString({ message: 'Saisissez votre mot de passe.' })
  @MinLength(1, { message: 'Saisissez votre mot de passe.' })
  @MaxLength(128, { message: PASSWORD_TOO_LONG })
  password: string;
}

export class CodeForm extends FormDto {
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'Le code comporte 6 chiffres.' })
  code: string;
}

export class EnrolmentForm extends CodeForm {
  @IsString({ message: 'La page a expiré : rechargez-la et scannez de nouveau le code QR.' })
  @MaxLength(2000, { message: 'La page a expiré : rechargez-la et scannez de nouveau le code QR.' })
  enrolment: string;
}

export class AccountSetupForm extends EnrolmentForm {
  @IsString({ message: 'Choisissez un mot de passe.' })
  @MaxLength(128, { message: PASSWORD_TOO_LONG })
  password: string;

  @IsString({ message: 'Saisissez de nouveau le mot de passe.' })
  @MaxLength(128, { message: PASSWORD_TOO_LONG })
  passwordConfirmation: string;
}

export class StructureChoiceForm extends FormDto {
  @IsUUID('all', { message: 'Choisissez une structure.' })
  structureId: string;
}

/** "123 456" as typed from an app → "123456". */
export const digits = (code: string) => code.replace(/\s/g, '');

export class InviteAideForm extends FormDto {
  @IsEmail({}, { message: EMAIL_MESSAGE })
  @MaxLength(254, { message: EMAIL_TOO_LONG })
  email: string;

  @IsIn(Object.values(MembershipRole), { message: 'Choisissez un rôle.' })
  role: MembershipRole;
}
