import { Aide, normalizeEmail } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { DataSource } from 'typeorm';

import type { CliContext, CommandRegistration } from '../cli-context.js';

/** Grants or withdraws the operator pages to an existing account (journaled). */
async function setOperator(context: CliContext, email: string, operator: boolean): Promise<void> {
  const app = await context.get();
  await app.get(DataSource).transaction(async (manager) => {
    const aide = await manager
      .getRepository(Aide)
      .createQueryBuilder('a')
      .where('lower(a.email) = :email', { email: normalizeEmail(email) })
      .getOne();
    if (!aide) throw new DomainException(ErrorCode.AideNotFound);
    await manager.update(Aide, { id: aide.id }, { operator });
    await app.get(AuditRecorder).record(manager, {
      action: operator ? AuditAction.OperatorGranted : AuditAction.OperatorRevoked,
      actor: { type: AuditActorType.Operator },
      details: { aideId: aide.id },
    });
  });
}

export const operatorCommands: CommandRegistration = (program, context) => {
  program
    .command('operator:grant')
    .argument('<email>', 'email of an existing account (set up through an invitation)')
    .description('Let an account use the operator pages (public services) after its usual login')
    .action(async (email: string) => {
      await setOperator(context, email, true);
      console.log(`${email} peut maintenant utiliser les pages d’exploitation (/operateur/services-publics).`);
    });

  program
    .command('operator:revoke')
    .argument('<email>', 'email of the account')
    .description('Withdraw the operator pages from an account')
    .action(async (email: string) => {
      await setOperator(context, email, false);
      console.log(`${email} n’a plus accès aux pages d’exploitation.`);
    });
};
