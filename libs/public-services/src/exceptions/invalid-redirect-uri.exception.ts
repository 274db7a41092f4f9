import { DomainException, ErrorCode } from '@relais/exceptions';

import { RedirectUriProblem } from '../redirect-uri.js';

/** Which list the refused address came from. */
export type RedirectUriField = 'redirectUris' | 'postLogoutRedirectUris';

const PROBLEM_TEXTS: Record<RedirectUriProblem, string> = {
  [RedirectUriProblem.Malformed]: 'Indiquez une adresse complète, par exemple https://service.example.fr/retour.',
  [RedirectUriProblem.ForbiddenCharacter]:
    'Elle ne doit contenir ni espace, ni caractère invisible, ni barre oblique inversée (\\).',
  [RedirectUriProblem.Fragment]: 'Elle ne doit pas contenir de fragment (partie après #).',
  [RedirectUriProblem.NotHttps]:
    'Elle doit commencer par https:// (http:// est accepté seulement pour localhost ou 127.0.0.1, en développement).',
  [RedirectUriProblem.Credentials]: 'Elle ne doit pas contenir d’identifiant ni de mot de passe.',
};

/** An address the browser would be sent back to is not an absolute, safe https URL: names it and why. */
export class InvalidRedirectUriException extends DomainException {
  constructor(field: RedirectUriField, uri: string, problem: RedirectUriProblem) {
    const label = field === 'redirectUris' ? 'Adresse de retour' : 'Adresse de retour après déconnexion';
    super(ErrorCode.InvalidRedirectUri, {
      details: { field, uri, problem },
      params: { field: label, uri, problem: PROBLEM_TEXTS[problem] },
    });
  }
}
