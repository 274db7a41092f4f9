import { AuditChainVerifier, AuditSealer } from '@relais/audit';
import { SingleBar } from 'cli-progress';

import type { CommandRegistration } from '../cli-context.js';

export const auditCommands: CommandRegistration = (program, context) => {
  program
    .command('audit:verify')
    .description('Walk the sealed audit journal and name the first broken entry, if any')
    .action(async () => {
      const verifier = (await context.get()).get(AuditChainVerifier);
      const total = await verifier.count();
      const bar = new SingleBar({ format: 'Vérification {bar} {value}/{total} entrées', hideCursor: true });
      bar.start(total, 0);
      const result = await verifier.verify((checked) => bar.update(checked));
      bar.stop();
      if (result.ok) {
        console.log(
          `OK: ${result.checked} entries, chain intact; last seq ${result.lastSeq ?? '-'} hash ${result.lastHash}`,
        );
        return;
      }
      const broken = result.firstBroken!;
      console.error(
        `BROKEN at seq ${broken.seq}: ${broken.reason}${'expectedSeq' in broken ? ` (expected seq ${broken.expectedSeq})` : ''}`,
      );
      console.error(`${result.checked} entries before it are intact.`);
      process.exitCode = 1;
    });

  program
    .command('audit:seal')
    .description('Seal pending audit events now (the worker does it continuously)')
    .action(async () => {
      const sealed = await (await context.get()).get(AuditSealer).sealPending();
      console.log(`Sealed ${sealed} event(s).`);
    });
};
