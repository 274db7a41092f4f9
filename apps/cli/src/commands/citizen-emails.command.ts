import { frenchDay } from '@relais/dates';
import { CitizenNotices } from '@relais/mandates';

import type { CommandRegistration } from '../cli-context.js';

const emails = (n: number) =>
  n === 0 ? 'aucun courriel ajouté' : `${n} courriel${n > 1 ? 's' : ''} ajouté${n > 1 ? 's' : ''}`;

export const citizenEmailsCommands: CommandRegistration = (program, context) => {
  program
    .command('citizen-emails:run')
    .description(
      "Queue now what the worker's daily jobs queue: the uses digest of a Paris day (default: yesterday) and the seven-day notices; idempotent, the worker sends them within a minute",
    )
    .option('--day <YYYY-MM-DD>', 'the Paris day whose uses to digest (a day not yet over: later uses get no email)')
    .action(async ({ day }: { day?: string }) => {
      if (day !== undefined && frenchDay(day) === null) {
        throw new Error(`--day doit être une date AAAA-MM-JJ, pas « ${day} »`);
      }
      const notices = (await context.get()).get(CitizenNotices);
      const digest = day ? await notices.queueUsesDigestOf(day) : await notices.queueUsesDigest();
      const ending = await notices.queueEndingNotices();
      console.log(`Utilisations du ${frenchDay(digest.day)} : ${emails(digest.queued)}.`);
      console.log(`Fin de mandat dans 7 jours : ${emails(ending)}.`);
    });
};
