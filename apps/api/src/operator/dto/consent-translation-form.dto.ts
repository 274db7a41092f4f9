import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { FormDto } from '../../console/dto/forms.dto.js';

/** An operator adds a translation of a consent text version from the operator page. */
export class ConsentTranslationForm extends FormDto {
  @IsString({ message: 'Choisissez la version du texte.' })
  @MaxLength(50, { message: 'Choisissez la version du texte.' })
  version: string;

  @IsString({ message: 'Choisissez la langue.' })
  @MaxLength(20, { message: 'Choisissez la langue.' })
  lang: string;

  @IsString({ message: 'Collez le contenu du fichier de traduction (JSON).' })
  @MinLength(2, { message: 'Collez le contenu du fichier de traduction (JSON).' })
  @MaxLength(60_000, { message: 'Le fichier de traduction comporte au plus 60 000 caractères.' })
  content: string;

  @IsOptional()
  @IsIn(['oui'], { message: 'Cochez la case ou laissez-la vide.' })
  reviewed?: 'oui';
}
