import { AuditActorType } from '@relais/audit';
import { type PublicService, PublicServicesService } from '@relais/public-services';
import { parseProcedureAreas, PROCEDURE_AREAS } from '@relais/structures';
import type { Command } from 'commander';

import type { CommandRegistration } from '../cli-context.js';
import { textTable } from '../text-table.js';

interface RegisterOptions {
  name: string;
  redirectUri: string[];
  postLogoutRedirectUri?: string[];
  areas: string;
  /** false with --no-act. */
  act: boolean;
}

const OPERATOR = { type: AuditActorType.Operator };
const AREAS_HELP = `comma-separated procedure areas: ${PROCEDURE_AREAS.join(', ')}`;
const SECRET_NOTE =
  'Notez ce secret maintenant et transmettez-le au service par un canal sûr : il ne sera plus affiché.';

/** Lets an option be given several times: `--redirect-uri a --redirect-uri b`. */
const repeatable = (value: string, previous: string[] = []) => [...previous, value];

export const publicServiceCommands: CommandRegistration = (program, context) => {
  const service = async () => (await context.get()).get(PublicServicesService);

  program
    .command('public-service:register')
    .description('Register a public service (OpenID Connect client); prints client_id= and client_secret= lines')
    .requiredOption('--name <name>', 'name aides will read, e.g. "Impôts"')
    .requiredOption('--redirect-uri <uri>', 'redirect URI (https; http only for localhost); repeatable', repeatable)
    .option('--post-logout-redirect-uri <uri>', 'address after logout (same rules); repeatable', repeatable)
    .requiredOption('--areas <areas>', AREAS_HELP)
    .option('--no-act', 'do not send the act claim (who acts: the aide, the structure) to this service')
    .action(async (options: RegisterOptions) => {
      const areas = parseProcedureAreas(options.areas);
      const { publicService, clientSecret } = await (
        await service()
      ).register(
        {
          name: options.name,
          redirectUris: options.redirectUri,
          postLogoutRedirectUris: options.postLogoutRedirectUri ?? [],
          areas,
          discloseAct: options.act,
        },
        OPERATOR,
      );
      // Credentials alone on stdout as key=value lines, so scripts can read them; the note goes to stderr.
      printCredentials(publicService.clientId, clientSecret);
      console.error(`Service public « ${publicService.name} » enregistré. ${SECRET_NOTE}`);
    });

  program
    .command('public-service:list')
    .description('List the public services: client_id, name, areas, active, redirect URIs')
    .action(async () => {
      const publicServices = await (await service()).list();
      console.log(publicServices.length === 0 ? 'Aucun service public enregistré.' : table(publicServices));
    });

  withClientId(program, 'public-service:areas', 'Replace the procedure areas a public service serves')
    .requiredOption('--areas <areas>', AREAS_HELP)
    .action(async (clientId: string, options: { areas: string }) => {
      const changed = await (await service()).setAreas(clientId, parseProcedureAreas(options.areas), OPERATOR);
      console.log(`Démarches du service « ${changed.name} » : ${changed.areas.join(', ')}.`);
    });

  withClientId(program, 'public-service:disable', 'Disable a public service: no new delegated login').action(
    async (clientId: string) => {
      const disabled = await (await service()).disable(clientId, OPERATOR);
      console.log(`Service « ${disabled.name} » désactivé : il ne peut plus demander de connexion par un aidant.`);
    },
  );

  withClientId(program, 'public-service:enable', 'Enable a disabled public service again').action(
    async (clientId: string) => {
      const enabled = await (await service()).enable(clientId, OPERATOR);
      console.log(`Service « ${enabled.name} » activé.`);
    },
  );

  withClientId(program, 'public-service:act', 'Send the act claim (who acts) to this service, or not: on | off')
    .argument('<on|off>', 'on: ID token and userinfo name the aide and the structure; off: they do not')
    .action(async (clientId: string, setting: string) => {
      if (setting !== 'on' && setting !== 'off') {
        console.error('Indiquez on (transmettre act) ou off (ne pas le transmettre).');
        process.exitCode = 2;
        return;
      }
      const changed = await (await service()).setActDisclosure(clientId, setting === 'on', OPERATOR);
      console.log(
        changed.discloseAct
          ? `Le service « ${changed.name} » reçoit act : qui agit (l’aidant, la structure).`
          : `Le service « ${changed.name} » ne reçoit plus act ; le journal de Relais garde qui a agi.`,
      );
    });

  withClientId(
    program,
    'public-service:rotate-secret',
    'Replace the client secret at once; prints client_id= and client_secret= lines',
  ).action(async (clientId: string) => {
    const clientSecret = await (await service()).rotateSecret(clientId, OPERATOR);
    printCredentials(clientId, clientSecret);
    console.error(`Nouveau secret en place ; l’ancien ne fonctionne plus. ${SECRET_NOTE}`);
  });
};

function withClientId(program: Command, name: string, description: string): Command {
  return program.command(name).description(description).argument('<client_id>', 'the service’s client_id (ps_…)');
}

function printCredentials(clientId: string, clientSecret: string): void {
  console.log(`client_id=${clientId}`);
  console.log(`client_secret=${clientSecret}`);
}

function table(publicServices: PublicService[]): string {
  const header = ['client_id', 'Nom', 'Démarches', 'Actif', 'act', 'Adresses de retour'];
  const rows = publicServices.map((s) => [
    s.clientId,
    s.name,
    s.areas.join(','),
    s.active ? 'oui' : 'non',
    s.discloseAct ? 'oui' : 'non',
    s.redirectUris.join(' '),
  ]);
  return textTable(header, rows);
}
