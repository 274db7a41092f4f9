import { ValidateBy, type ValidationOptions } from 'class-validator';

import { BIRTHDATE_MESSAGE, isBirthdate } from './birthdate.js';

/**
 * class-validator: a FranceConnect birth date that exists (see parseBirthdate). Its message is
 * set as the decorator's own: the api's pipe dismisses class-validator's default messages.
 */
export function IsBirthdate(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    { name: 'isBirthdate', validator: { validate: isBirthdate } },
    { message: BIRTHDATE_MESSAGE, ...options },
  );
}
