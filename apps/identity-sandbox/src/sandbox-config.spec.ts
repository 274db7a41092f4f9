import { loadSandboxConfig, SandboxConfigError } from './sandbox-config.js';

describe('loadSandboxConfig', () => {
  it('given no variable, when the config is read, then the sandbox serves Relais locally on port 3100', () => {
    const config = loadSandboxConfig({});

    expect(config.port).toBe(3100);
    expect(config.issuer).toBeUndefined();
    expect(config.jwks).toBeUndefined();
    expect(config.cookieKeys).toHaveLength(1);
    expect(config.clients).toEqual([
      expect.objectContaining({
        client_id: 'relais-local',
        client_secret: 'relais-local-secret',
        redirect_uris: [
          'http://localhost:3000/franceconnect/callback',
          'http://127.0.0.1:3000/franceconnect/callback',
          'http://localhost:3000/usager/connexion/retour',
          'http://127.0.0.1:3000/usager/connexion/retour',
        ],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      }),
    ]);
  });

  it('given extra redirect URIs, when the config is read, then every client accepts them too', () => {
    const config = loadSandboxConfig({
      SANDBOX_EXTRA_REDIRECT_URIS: 'http://127.0.0.1:4000/cb, http://localhost:4000/cb',
    });

    expect(config.clients[0].redirect_uris).toEqual([
      'http://localhost:3000/franceconnect/callback',
      'http://127.0.0.1:3000/franceconnect/callback',
      'http://localhost:3000/usager/connexion/retour',
      'http://127.0.0.1:3000/usager/connexion/retour',
      'http://127.0.0.1:4000/cb',
      'http://localhost:4000/cb',
    ]);
  });

  it('given extra post-logout redirect URIs, when the config is read, then every client accepts them too', () => {
    const config = loadSandboxConfig({ SANDBOX_EXTRA_POST_LOGOUT_REDIRECT_URIS: 'http://127.0.0.1:4000/au-revoir' });

    expect(config.clients[0].post_logout_redirect_uris).toContain('http://127.0.0.1:4000/au-revoir');
  });

  it('given SANDBOX_CLIENTS, when the config is read, then those clients replace the default one, with FranceConnect defaults', () => {
    const config = loadSandboxConfig({
      SANDBOX_CLIENTS: JSON.stringify([
        { client_id: 'demo', client_secret: 's', redirect_uris: ['http://localhost:5000/cb'] },
      ]),
    });

    expect(config.clients).toEqual([
      expect.objectContaining({ client_id: 'demo', response_types: ['code'], grant_types: ['authorization_code'] }),
    ]);
  });

  it('given an issuer with a trailing slash, when the config is read, then the issuer is the bare origin', () => {
    expect(loadSandboxConfig({ SANDBOX_ISSUER: 'http://sandbox.test:3100/' }).issuer).toBe('http://sandbox.test:3100');
  });

  it.each([
    ['SANDBOX_PORT', 'abc'],
    ['SANDBOX_ISSUER', 'http://localhost:3100/api/v2'],
    ['SANDBOX_CLIENTS', '{"client_id":"not-an-array"}'],
    ['SANDBOX_CLIENTS', 'not json'],
    ['SANDBOX_JWKS', '{"keys":[{"kty":"EC","crv":"P-256","x":"x","y":"y"}]}'],
    ['SANDBOX_EXTRA_REDIRECT_URIS', 'not a url'],
  ])('given %s=%s, when the config is read, then it refuses naming the variable', (name, value) => {
    expect(() => loadSandboxConfig({ [name]: value })).toThrow(SandboxConfigError);
    expect(() => loadSandboxConfig({ [name]: value })).toThrow(name);
  });
});
