import { readFile } from 'node:fs/promises';

import { AuditChainVerifier, AuditSealer, type ChainBreak } from '@relais/audit';
import { AuditCheckpointer, JournalVerifier, type JournalVerification } from '@relais/audit-checkpoints';
import { SingleBar } from 'cli-progress';

import type { CommandRegistration } from '../cli-context.js';

export const auditCommands: CommandRegistration = (program, context) => {
  program
    .command('audit:verify')
    .description(
      'Walk the sealed audit journal, check it against every signed checkpoint, and name the first missing or altered entry',
    )
    .option(
      '--checkpoints <file>',
      'JSON saved from GET /audit/checkpoints (or a list of its checkpoints), checked too: it survives checkpoints deleted from the database',
    )
    .action(async (options: { checkpoints?: string }) => {
      const published = options.checkpoints ? await readPublished(options.checkpoints) : [];
      const app = await context.get();
      const total = await app.get(AuditChainVerifier).count();
      const bar = new SingleBar({ format: 'Vérification {bar} {value}/{total} entrées', hideCursor: true });
      bar.start(total, 0);
      const result = await app.get(JournalVerifier).verify((checked) => bar.update(checked), published);
      bar.stop();
      report(result);
    });

  program
    .command('audit:seal')
    .description('Seal pending audit events now and sign the checkpoints due (the worker does it continuously)')
    .action(async () => {
      const app = await context.get();
      const sealed = await app.get(AuditSealer).sealPending();
      const checkpoints = await app.get(AuditCheckpointer).checkpointDue();
      console.log(`Sealed ${sealed} event(s); signed ${checkpoints.length} checkpoint(s).`);
    });
};

async function readPublished(file: string): Promise<{ seq?: unknown; jws?: unknown }[]> {
  const json = JSON.parse(await readFile(file, 'utf8'));
  const list = Array.isArray(json) ? json : json?.checkpoints;
  if (!Array.isArray(list)) throw new Error(`${file}: expected the JSON of GET /audit/checkpoints`);
  return list;
}

function report({ ok, chain, checkpoints, rejected }: JournalVerification): void {
  const last = checkpoints.at(-1);
  const proof = last ? `; ${checkpoints.length} signed checkpoint(s), last at seq ${last.seq} (${last.signedAt})` : '';
  for (const bad of rejected) console.error(`CHECKPOINT REJECTED at seq ${bad.seq}: ${bad.reason}`);
  if (ok) {
    console.log(
      `OK: ${chain.checked} entries, chain intact; last seq ${chain.lastSeq ?? '-'} hash ${chain.lastHash}${proof}`,
    );
    return;
  }
  if (chain.firstBroken) {
    const anchor = checkpoints.find(
      (checkpoint) => 'anchorSeq' in chain.firstBroken! && checkpoint.seq === chain.firstBroken.anchorSeq,
    );
    console.error(describe(chain.firstBroken, anchor?.signedAt));
    console.error(`${chain.checked} entries before it are intact.`);
  }
  process.exitCode = 1;
}

function describe(broken: ChainBreak, anchorSignedAt?: string): string {
  switch (broken.reason) {
    case 'gap':
      return `BROKEN at seq ${broken.seq}: gap (expected seq ${broken.expectedSeq})`;
    case 'missing':
      return `BROKEN at seq ${broken.seq}: missing; entries ${broken.seq} to ${broken.anchorSeq} were removed, proven by the checkpoint at seq ${broken.anchorSeq} signed ${anchorSignedAt}`;
    case 'anchor_mismatch':
      return `BROKEN at seq ${broken.seq}: anchor_mismatch; an entry from seq ${broken.seq} to ${broken.anchorSeq} was rewritten, proven by the checkpoint at seq ${broken.anchorSeq} signed ${anchorSignedAt}`;
    default:
      return `BROKEN at seq ${broken.seq}: ${broken.reason}`;
  }
}
