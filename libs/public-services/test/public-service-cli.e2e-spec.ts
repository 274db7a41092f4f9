import { createTestEnvironment, runCli, type TestEnvironment } from '@relais/testing';
import pg from 'pg';

/** The `key=value` lines the register and rotate-secret commands print on stdout. */
function credentials(stdout: string): Record<string, string> {
  return Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/=(.*)/s, 2)),
  );
}

describe('operator CLI: public services', () => {
  let env: TestEnvironment;
  let db: pg.Client;
  let clientId: string;

  const cli = (...args: string[]) => runCli(env, args);

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = new pg.Client({ connectionString: env.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db.end();
    await env.dispose();
  });

  it('registers a public service and prints its client_id and secret for scripts, once', async () => {
    // When the operator registers a service with two redirect URIs
    const result = await cli(
      'public-service:register',
      '--name',
      'Impôts',
      '--redirect-uri',
      'https://impots.example.fr/oidc/callback',
      '--redirect-uri',
      'http://localhost:4000/callback',
      '--post-logout-redirect-uri',
      'https://impots.example.fr/au-revoir',
      '--areas',
      'money,papers',
    );
    // Then stdout holds exactly the two credential lines, and stderr the French warning
    expect(result.code).toBe(0);
    const printed = credentials(result.stdout);
    expect(Object.keys(printed)).toEqual(['client_id', 'client_secret']);
    expect(printed.client_id).toMatch(/^ps_[0-9a-f]{16}$/);
    expect(printed.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toContain('Service public « Impôts » enregistré.');
    expect(result.stderr).toContain('il ne sera plus affiché');
    clientId = printed.client_id;
    // And the row holds the service, not the secret
    const { rows } = await db.query(
      'SELECT name, redirect_uris, post_logout_redirect_uris, areas, active, secret_hash FROM public_services WHERE client_id = $1',
      [clientId],
    );
    expect(rows).toEqual([
      {
        name: 'Impôts',
        redirect_uris: ['https://impots.example.fr/oidc/callback', 'http://localhost:4000/callback'],
        post_logout_redirect_uris: ['https://impots.example.fr/au-revoir'],
        areas: ['papers', 'money'],
        active: true,
        secret_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    ]);
    expect(rows[0].secret_hash).not.toContain(printed.client_secret);
    const outbox = await db.query('SELECT action, actor_type FROM audit_outbox ORDER BY id');
    expect(outbox.rows).toEqual([{ action: 'public_service.registered', actor_type: 'operator' }]);
  });

  it('lists the registered services in a table', async () => {
    const { code, stdout } = await cli('public-service:list');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^client_id\s+Nom\s+Démarches\s+Actif\s+act\s+Adresses de retour$/);
    expect(lines[2]).toMatch(
      new RegExp(
        `^${clientId}\\s+Impôts\\s+papers,money\\s+oui\\s+oui\\s+https://impots.example.fr/oidc/callback http://localhost:4000/callback$`,
      ),
    );
  });

  it('changes the areas, disables and enables the service, each journaled', async () => {
    const areas = await cli('public-service:areas', clientId, '--areas', 'money,family');
    expect(areas).toMatchObject({ code: 0, stdout: 'Démarches du service « Impôts » : family, money.\n' });

    const disabled = await cli('public-service:disable', clientId);
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toContain('Service « Impôts » désactivé');
    expect((await cli('public-service:list')).stdout).toMatch(
      new RegExp(`${clientId}\\s+Impôts\\s+family,money\\s+non`),
    );

    expect((await cli('public-service:enable', clientId)).code).toBe(0);
    const { rows } = await db.query('SELECT active, areas FROM public_services WHERE client_id = $1', [clientId]);
    expect(rows).toEqual([{ active: true, areas: ['family', 'money'] }]);
    const outbox = await db.query('SELECT action FROM audit_outbox ORDER BY id');
    expect(outbox.rows.map((row) => row.action)).toEqual([
      'public_service.registered',
      'public_service.areas_changed',
      'public_service.disabled',
      'public_service.enabled',
    ]);
  }, 90_000);

  it('rotates the secret and prints the new one once', async () => {
    const before = await db.query('SELECT secret_hash FROM public_services WHERE client_id = $1', [clientId]);
    const result = await cli('public-service:rotate-secret', clientId);
    expect(result.code).toBe(0);
    const printed = credentials(result.stdout);
    expect(printed.client_id).toBe(clientId);
    expect(printed.client_secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(result.stderr).toContain('l’ancien ne fonctionne plus');
    const after = await db.query('SELECT secret_hash FROM public_services WHERE client_id = $1', [clientId]);
    expect(after.rows[0].secret_hash).not.toBe(before.rows[0].secret_hash);
  });

  it('exits 1 with the French message for an unsafe redirect URI, and registers nothing', async () => {
    const result = await cli(
      'public-service:register',
      '--name',
      'CAF',
      '--redirect-uri',
      'javascript:alert(1)',
      '--areas',
      'family',
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'Erreur : Adresse de retour refusée : « javascript:alert(1) ». Elle doit commencer par https://',
    );
    const { rows } = await db.query('SELECT count(*)::int AS n FROM public_services');
    expect(rows[0].n).toBe(1);
  });

  it('exits 1 and says "not found" for an unknown client_id', async () => {
    const result = await cli('public-service:disable', 'ps_0000000000000000');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Erreur : Aucun service public ne correspond à cet identifiant (client_id).');
  });

  it('refuses to register without a redirect URI (commander names the option)', async () => {
    const result = await cli('public-service:register', '--name', 'CAF', '--areas', 'family');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("required option '--redirect-uri <uri>' not specified");
  });
});
