import { DemoServiceConfigError, loadDemoServiceConfig } from './demo-service-config.js';

const CLIENT = { DEMO_SERVICE_CLIENT_ID: 'client-id', DEMO_SERVICE_CLIENT_SECRET: 'client-secret' };

describe('loadDemoServiceConfig', () => {
  it('given only the client credentials, when the config is read, then the service listens on 127.0.0.1:3200 and logs in through a local Relais', () => {
    const config = loadDemoServiceConfig(CLIENT);

    expect(config).toEqual({
      port: 3200,
      host: '127.0.0.1',
      url: undefined,
      issuer: 'http://localhost:3000/oidc',
      clientId: 'client-id',
      clientSecret: 'client-secret',
      area: undefined,
      allowInsecureIssuer: true,
      cookieKeys: [expect.stringMatching(/^[\w-]{43}$/)],
    });
  });

  it('given every variable, when the config is read, then each is used, without trailing slashes', () => {
    const config = loadDemoServiceConfig({
      ...CLIENT,
      DEMO_SERVICE_PORT: '8080',
      DEMO_SERVICE_HOST: '0.0.0.0',
      DEMO_SERVICE_URL: 'https://demo.example.fr/',
      DEMO_SERVICE_ISSUER: 'https://relais.example.fr/oidc/',
      DEMO_SERVICE_AREA: 'money',
    });

    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      url: 'https://demo.example.fr',
      issuer: 'https://relais.example.fr/oidc',
      area: 'money',
      allowInsecureIssuer: false,
    });
  });

  it('given two starts, when the config is read, then the cookie keys differ', () => {
    expect(loadDemoServiceConfig(CLIENT).cookieKeys).not.toEqual(loadDemoServiceConfig(CLIENT).cookieKeys);
  });

  it.each(['DEMO_SERVICE_CLIENT_ID', 'DEMO_SERVICE_CLIENT_SECRET'])(
    'given no %s, when the config is read, then a French and English error names it and the register command',
    (name) => {
      const read = () => loadDemoServiceConfig({ ...CLIENT, [name]: ' ' });

      expect(read).toThrow(DemoServiceConfigError);
      expect(read).toThrow(new RegExp(`^${name} manque : .*public-service:register.* / ${name} is missing: `));
    },
  );

  it.each([
    [{ DEMO_SERVICE_PORT: '70000' }, /DEMO_SERVICE_PORT doit être un numéro de port/],
    [{ DEMO_SERVICE_PORT: 'abc' }, /DEMO_SERVICE_PORT must be a port number/],
    [{ DEMO_SERVICE_URL: 'demo.example.fr' }, /DEMO_SERVICE_URL doit être une adresse http\(s\)/],
    [{ DEMO_SERVICE_ISSUER: 'ftp://relais.example.fr' }, /DEMO_SERVICE_ISSUER must be an http\(s\) URL/],
    [{ DEMO_SERVICE_AREA: 'Papiers et citoyenneté' }, /DEMO_SERVICE_AREA doit être un code de démarche/],
  ])('given %p, when the config is read, then the error names the variable', (variables, message) => {
    expect(() => loadDemoServiceConfig({ ...CLIENT, ...variables })).toThrow(message);
  });

  it('given production and an http issuer, when the config is read, then it refuses (allowInsecureRequests is for development only)', () => {
    expect(() =>
      loadDemoServiceConfig({
        ...CLIENT,
        NODE_ENV: 'production',
        DEMO_SERVICE_ISSUER: 'http://relais.example.fr/oidc',
      }),
    ).toThrow(/DEMO_SERVICE_ISSUER doit être en https quand NODE_ENV=production/);
    expect(
      loadDemoServiceConfig({
        ...CLIENT,
        NODE_ENV: 'production',
        DEMO_SERVICE_ISSUER: 'https://relais.example.fr/oidc',
      }).allowInsecureIssuer,
    ).toBe(false);
  });
});
