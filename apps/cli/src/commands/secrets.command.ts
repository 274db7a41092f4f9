import type { CommandRegistration } from '../cli-context.js';
import { rotateSecretsKey } from '../secrets-rotation.js';

export const secretsCommands: CommandRegistration = (program, context) => {
  program
    .command('secrets:rotate')
    .description(
      'Encrypt every secret at rest again under SECRETS_KEY (new key), reading it with SECRETS_KEY_PREVIOUS (old key); all or nothing, journaled',
    )
    .action(async () => {
      const counts = await rotateSecretsKey(await context.get());
      console.log(
        [
          `Secrets chiffrés de nouveau sous la nouvelle SECRETS_KEY :`,
          `  graines de second facteur : ${counts.totpSeeds}`,
          `  liens de courriels pas encore envoyés : ${counts.pendingEmailTokens}`,
          `  clés de signature de la plateforme : ${counts.signingKeys}`,
          `  clés de signature OpenID : ${counts.providerKeys}`,
          `  secrets OpenID : ${counts.providerSecrets}`,
          `Redémarrez l’api et le worker avec SECRETS_KEY seule (retirez SECRETS_KEY_PREVIOUS).`,
        ].join('\n'),
      );
    });
};
