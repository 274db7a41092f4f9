import { ProviderKeys } from '@relais/delegation';
import { KeyStore, type SigningKey } from '@relais/signing';

import type { CommandRegistration } from '../cli-context.js';
import { textTable } from '../text-table.js';

export const keysCommands: CommandRegistration = (program, context) => {
  program
    .command('keys:rotate')
    .description('Make a new signing key active and retire the current one (it keeps verifying); prints the new kid')
    .action(async () => {
      const { active, retired } = await (await context.get()).get(KeyStore).rotate();
      // The kid alone on stdout, so scripts can capture it; the confirmation goes to stderr.
      console.log(active.kid);
      console.error(
        retired
          ? `Nouvelle clé de signature active ; la clé ${retired.kid} est retirée mais vérifie toujours.`
          : 'Première clé de signature créée et active.',
      );
    });

  program
    .command('oidc-keys:rotate')
    .description(
      "Replace the OpenID provider's signing keys (ES256, RS256); the old ones stay in the JWKS for a day. Restart the api processes after it",
    )
    .action(async () => {
      const { kids, retiredKids } = await (await context.get()).get(ProviderKeys).rotate();
      console.log(kids.join('\n'));
      console.error(
        `Nouvelles clés de signature OpenID en place (${retiredKids.length} retirée(s), publiées encore 24 heures). ` +
          'Redémarrez les processus api, l’un après l’autre : chacun signe avec les nouvelles clés dès son redémarrage.',
      );
    });

  program
    .command('keys:list')
    .description('List the signing keys: kid, status, created (the active key first)')
    .action(async () => {
      const keys = await (await context.get()).get(KeyStore).list();
      if (keys.length === 0) {
        console.log('Aucune clé de signature : la première est créée à la première signature (ou par keys:rotate).');
        return;
      }
      console.log(table(keys));
    });
};

function table(keys: SigningKey[]): string {
  const header = ['kid', 'Statut', 'Créée le', 'Retirée le'];
  const rows = keys.map((key) => [
    key.kid,
    key.status,
    key.createdAt.toISOString(),
    key.retiredAt?.toISOString() ?? '',
  ]);
  return textTable(header, rows);
}
