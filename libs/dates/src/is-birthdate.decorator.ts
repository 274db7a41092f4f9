import { ValidateBy, type ValidationOptions } from 'class-validator';

import { BIRTHDATE_MESSAGE, isBirthdate } from './birthdate.js';

/** class-validator: a FranceConnect birth date that exists (see parseBirthdate). */
export function IsBirthdate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isBirthdate', validator: { validate: isBirthdate, defaultMessage: () => BIRTHDATE_MESSAGE } },
    options,
  );
}
