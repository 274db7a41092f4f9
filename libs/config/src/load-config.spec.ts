import { InvalidConfigurationError } from './invalid-configuration.error.js';
import { describeEnvVars, loadConfig } from './load-config.js';

describe('loadConfig', () => {
  it('gives working developer defaults when nothing is set', () => {
    expect(loadConfig({})).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/relais',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      ISSUER: 'http://localhost:3000',
      SHOW_STATE_BRAND: false,
    });
  });

  it('reads and converts the values that are set, ignoring other variables', () => {
    const config = loadConfig({ PORT: '8080', SHOW_STATE_BRAND: 'true', HOME: '/root' });
    expect(config.PORT).toBe(8080);
    expect(config.SHOW_STATE_BRAND).toBe(true);
    expect(config).not.toHaveProperty('HOME');
  });

  it('given a Redis Cluster as URLs separated by commas, when loaded, then it is kept; anything else names REDIS_CLUSTER_NODES', () => {
    // Given / When
    const config = loadConfig({ REDIS_CLUSTER_NODES: 'redis://10.0.0.1:6379, rediss://:pw@10.0.0.2:6380' });

    // Then
    expect(config.REDIS_CLUSTER_NODES).toBe('redis://10.0.0.1:6379, rediss://:pw@10.0.0.2:6380');
    expect(loadConfig({}).REDIS_CLUSTER_NODES).toBeUndefined();
    for (const bad of ['10.0.0.1:6379', 'redis://10.0.0.1:6379,http://10.0.0.2', 'redis://a,']) {
      expect(() => loadConfig({ REDIS_CLUSTER_NODES: bad })).toThrow(/REDIS_CLUSTER_NODES/);
    }
  });

  it('given a worker shutdown timeout below a second, when loaded, then it is refused by name', () => {
    // Given / When / Then
    expect(loadConfig({}).WORKER_SHUTDOWN_TIMEOUT_MS).toBe(60_000);
    expect(() => loadConfig({ WORKER_SHUTDOWN_TIMEOUT_MS: '10' })).toThrow(/WORKER_SHUTDOWN_TIMEOUT_MS/);
  });

  it('takes SECRETS_KEY_PREVIOUS (a rotation) only as 32 bytes of base64, and no default', () => {
    expect(loadConfig({}).SECRETS_KEY_PREVIOUS).toBeUndefined();
    const previous = Buffer.alloc(32, 9).toString('base64');
    expect(loadConfig({ SECRETS_KEY_PREVIOUS: previous }).SECRETS_KEY_PREVIOUS).toBe(previous);
    expect(() => loadConfig({ SECRETS_KEY_PREVIOUS: 'trop-courte' })).toThrow(/SECRETS_KEY_PREVIOUS/);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(loadConfig({}))).toBe(true);
  });

  it('names every malformed variable at once', () => {
    const attempt = () => loadConfig({ PORT: 'trois-mille', DATABASE_URL: 'mysql://x/y', SHOW_STATE_BRAND: 'oui' });
    expect(attempt).toThrow(InvalidConfigurationError);
    try {
      attempt();
    } catch (error) {
      const names = (error as InvalidConfigurationError).problems.map((problem) => problem.split(':')[0]);
      expect(names.sort()).toEqual(['DATABASE_URL', 'PORT', 'SHOW_STATE_BRAND']);
    }
  });

  it('leaves email delivery off unless SMTP_URL is set, with a default sender', () => {
    const config = loadConfig({ SMTP_URL: '' });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.MAIL_FROM).toBe('Relais <ne-pas-repondre@relais.localhost>');
  });

  it('accepts smtp:// and smtps:// URLs only, and a sender with an address', () => {
    expect(loadConfig({ SMTP_URL: 'smtps://user:pass@smtp.example.fr:465' }).SMTP_URL).toBe(
      'smtps://user:pass@smtp.example.fr:465',
    );
    expect(() => loadConfig({ SMTP_URL: 'https://smtp.example.fr' })).toThrow(/SMTP_URL/);
    expect(() => loadConfig({ MAIL_FROM: 'Relais' })).toThrow(/MAIL_FROM/);
    expect(loadConfig({ MAIL_FROM: 'aide@example.fr' }).MAIL_FROM).toBe('aide@example.fr');
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(3000);
  });

  it('describes every variable for the generated docs, with its default', () => {
    const docs = describeEnvVars();
    expect(docs.find((v) => v.name === 'PORT')).toEqual(
      expect.objectContaining({ defaultValue: '3000', sensitive: false, description: expect.any(String) }),
    );
    expect(docs.find((v) => v.name === 'DATABASE_URL')?.sensitive).toBe(true);
    expect(docs.find((v) => v.name === 'SMTP_URL')).toMatchObject({ defaultValue: '(unset)', sensitive: true });
    expect(docs.every((v) => v.description.length > 0)).toBe(true);
  });
});

describe('FranceConnect settings', () => {
  it('point at the local identity sandbox by default', () => {
    expect(loadConfig({})).toMatchObject({
      FRANCECONNECT_ISSUER: 'http://localhost:3100',
      FRANCECONNECT_CLIENT_ID: 'relais-local',
      FRANCECONNECT_CLIENT_SECRET: 'relais-local-secret',
      FRANCECONNECT_ACR: 'eidas1',
    });
    expect(describeEnvVars().find((v) => v.name === 'FRANCECONNECT_CLIENT_SECRET')?.sensitive).toBe(true);
  });

  it('refuse an issuer that is not an http(s) URL', () => {
    expect(() => loadConfig({ FRANCECONNECT_ISSUER: 'franceconnect.gouv.fr' })).toThrow(/FRANCECONNECT_ISSUER/);
  });
});

describe('loadConfig in production', () => {
  const PRODUCTION_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

  it('refuses the development secrets key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SECRETS_KEY/);
  });

  it('refuses the identity sandbox client secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', SECRETS_KEY: PRODUCTION_SECRETS_KEY })).toThrow(
      /FRANCECONNECT_CLIENT_SECRET/,
    );
  });

  it('starts with secrets of its own', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SECRETS_KEY: PRODUCTION_SECRETS_KEY,
      FRANCECONNECT_CLIENT_SECRET: 'a-real-secret',
    });
    expect(config.FRANCECONNECT_CLIENT_SECRET).toBe('a-real-secret');
  });
});
