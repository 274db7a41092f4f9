import { existsSync, readFileSync } from 'node:fs';

import { AttestationsService, MANDATE_STATE_LABELS, type AttestationCheck } from '@relais/mandates';

import type { CommandRegistration } from '../cli-context.js';

const REFUSALS: Record<Extract<AttestationCheck, { genuine: false }>['reason'], string> = {
  unknown_code: 'aucune attestation ne porte ce code',
  not_an_attestation: 'ce fichier n’est pas une attestation délivrée par Relais',
  altered_file: 'ce fichier a été modifié après avoir été délivré',
  invalid_seal: 'la signature électronique n’est pas valable',
};

export const attestationCommands: CommandRegistration = (program, context) => {
  program
    .command('attestation:verify')
    .argument('<file-or-code>', 'path of an attestation PDF, or its verification code')
    .description(
      'Tell whether an attestation is genuine, and whether its mandate is current, expired or revoked (exit 1 if not genuine)',
    )
    .action(async (target: string) => {
      const attestations = (await context.get()).get(AttestationsService);
      const check = existsSync(target)
        ? await attestations.checkFile(readFileSync(target))
        : await attestations.checkCode(target);
      if (!check.genuine) {
        console.log(`REFUSÉE : ${REFUSALS[check.reason]}.`);
        process.exitCode = 1;
        return;
      }
      console.log(
        `AUTHENTIQUE : ${check.kind === 'mandate' ? 'attestation de mandat' : 'attestation d’arrêt'} ${check.code}`,
      );
      console.log(`État du mandat : ${MANDATE_STATE_LABELS[check.state]}`);
      console.log(`Structure : ${check.structureName}`);
      console.log(`Du ${check.startsAt.toISOString()} au ${check.expiresAt.toISOString()}`);
      for (const area of check.areas) console.log(`  - ${area.label} : ${area.usable ? 'en cours' : area.why}`);
    });
};
