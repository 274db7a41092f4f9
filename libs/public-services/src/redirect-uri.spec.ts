import { RedirectUriProblem, redirectUriProblem } from './redirect-uri.js';

describe('redirectUriProblem', () => {
  it.each([
    ['an https address', 'https://impots.example.fr/oidc/callback'],
    ['an https address with a port and a query', 'https://caf.example.fr:8443/retour?source=relais'],
    ['an https address without a path', 'https://mairie.example.fr'],
    ['http toward localhost, for development', 'http://localhost:4000/callback'],
    ['http toward 127.0.0.1, for development', 'http://127.0.0.1/callback'],
    ['http toward localhost without a path', 'http://localhost'],
  ])('accepts %s', (_case, uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ['a relative path', '/oidc/callback', RedirectUriProblem.Malformed],
    ['a host without a scheme', 'impots.example.fr/callback', RedirectUriProblem.Malformed],
    ['an empty string', '', RedirectUriProblem.Malformed],
    ['a javascript: address', 'javascript:alert(document.cookie)', RedirectUriProblem.NotHttps],
    ['a data: address', 'data:text/html,<script>alert(1)</script>', RedirectUriProblem.NotHttps],
    ['http toward another host', 'http://impots.example.fr/callback', RedirectUriProblem.NotHttps],
    [
      'http toward a host that starts like localhost',
      'http://localhost.example.fr/callback',
      RedirectUriProblem.NotHttps,
    ],
    ['http toward 127.0.0.1 written short', 'http://127.1/callback', RedirectUriProblem.NotHttps],
    ['http hiding another host behind credentials', 'http://localhost:80@evil.example/', RedirectUriProblem.NotHttps],
    ['https without a host', 'https:///callback', RedirectUriProblem.NotHttps],
    ['https without slashes', 'https:impots.example.fr', RedirectUriProblem.NotHttps],
    ['a scheme in capitals', 'HTTPS://impots.example.fr/callback', RedirectUriProblem.NotHttps],
    ['a fragment', 'https://impots.example.fr/callback#done', RedirectUriProblem.Fragment],
    ['an empty fragment', 'https://impots.example.fr/callback#', RedirectUriProblem.Fragment],
    ['credentials', 'https://user:password@impots.example.fr/callback', RedirectUriProblem.Credentials],
    ['a space', 'https://impots.example.fr/mon retour', RedirectUriProblem.ForbiddenCharacter],
    ['a line break', 'https://impots.example.fr/\ncallback', RedirectUriProblem.ForbiddenCharacter],
    ['a backslash', 'https://evil.example\\@impots.example.fr/', RedirectUriProblem.ForbiddenCharacter],
  ])('refuses %s', (_case, uri, problem) => {
    expect(redirectUriProblem(uri)).toBe(problem);
  });
});
