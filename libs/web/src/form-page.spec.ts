import { DomainException, ErrorCode, ValidationFailedException } from '@relais/exceptions';

import { formErrorLocals } from './form-page.js';

describe('formErrorLocals', () => {
  it('given a refused form, when it is rebuilt, then passwords, codes and the CSRF token are not sent back', () => {
    const error = new ValidationFailedException([{ field: 'email', problems: ['Saisissez une adresse.'] }]);

    const locals = formErrorLocals(error, {
      email: 'camille@exemple.fr',
      password: 'secret',
      passwordConfirmation: 'secret',
      code: '123456',
      enrolment: 'sealed',
      _csrf: 'token',
    });

    expect(locals.values).toEqual({ email: 'camille@exemple.fr' });
  });

  it('given invalid fields, when the form is rebuilt, then each field has its first message and the summary lists them', () => {
    const error = new ValidationFailedException([
      { field: 'areas', problems: ['Choisissez au moins une démarche.', 'Choisissez des démarches de la liste.'] },
      { field: 'duration', problems: ['Choisissez une durée.'] },
    ]);

    const locals = formErrorLocals(error, {});

    expect(locals.errors).toEqual({ areas: 'Choisissez au moins une démarche.', duration: 'Choisissez une durée.' });
    expect(locals.errorSummary).toEqual({
      title: 'Le formulaire contient 2 erreurs',
      items: [
        { field: 'areas', message: 'Choisissez au moins une démarche.' },
        { field: 'duration', message: 'Choisissez une durée.' },
      ],
    });
  });

  it('given a domain error the form names a field for, when the form is rebuilt, then its message goes next to that field', () => {
    const locals = formErrorLocals(
      new DomainException(ErrorCode.PasswordMismatch),
      {},
      {
        [ErrorCode.PasswordMismatch]: 'passwordConfirmation',
      },
    );

    expect(locals.errors).toEqual({ passwordConfirmation: 'Les deux mots de passe saisis sont différents.' });
    expect(locals.errorSummary.items).toEqual([
      { field: 'passwordConfirmation', message: 'Les deux mots de passe saisis sont différents.' },
    ]);
  });

  it('given a domain error about the whole form, when the form is rebuilt, then the summary carries its title and message', () => {
    const error = new DomainException(ErrorCode.InvalidCredentials);

    const locals = formErrorLocals(error, { email: 'camille@exemple.fr' });

    expect(locals.errors).toEqual({});
    expect(locals.errorSummary).toEqual({ title: error.title, message: error.userMessage, items: [] });
  });
});
