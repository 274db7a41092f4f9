import { InvitationsService, MembershipRole } from '@relais/aides';
import { AuditActorType } from '@relais/audit';
import { StructuresService } from '@relais/structures';

import type { CommandRegistration } from '../cli-context.js';

const ROLES = Object.values(MembershipRole);

export const aideCommands: CommandRegistration = (program, context) => {
  program
    .command('aide:invite')
    .description('Invite a person to a structure; prints the single-use set-up link (valid 72 h)')
    .requiredOption('--structure <siret>', 'SIRET of the structure')
    .requiredOption('--email <email>', 'their professional email')
    .requiredOption('--role <role>', `${ROLES.join(' | ')}`)
    .option('--given-name <name>', 'first names')
    .option('--family-name <name>', 'family name')
    .action(
      async (options: { structure: string; email: string; role: string; givenName?: string; familyName?: string }) => {
        if (!ROLES.includes(options.role as MembershipRole)) {
          throw new Error(`--role must be one of: ${ROLES.join(', ')}`);
        }
        const app = await context.get();
        const structure = await app.get(StructuresService).findBySiret(options.structure);
        const invited = await app.get(InvitationsService).invite(
          {
            structureId: structure.id,
            email: options.email,
            role: options.role as MembershipRole,
            givenName: options.givenName,
            familyName: options.familyName,
          },
          { type: AuditActorType.Operator },
        );
        if (!invited.link) {
          console.log(
            `${options.email} already has an account: added to ${structure.name} (${options.role}); they choose it at their next login.`,
          );
          return;
        }
        console.log(`Invitation created for ${structure.name} (${options.role}).`);
        console.log(`Set-up link (single use, until ${invited.expiresAt!.toISOString()}):\n${invited.link}`);
      },
    );
};
