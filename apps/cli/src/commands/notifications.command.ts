import { NotificationSender } from '@relais/aides';
import { frenchDateTime } from '@relais/dates';

import type { CliContext, CommandRegistration } from '../cli-context.js';

/** Shows the emails waiting in the outbox for one address (the demo runs without SMTP). */
export const notificationsCommands: CommandRegistration = (program, context: CliContext) => {
  program
    .command('notifications:pending')
    .argument('<email>', 'the recipient’s address')
    .description('Print the emails not yet sent to an address, as they will be sent (links included)')
    .action(async (email: string) => {
      const app = await context.get();
      const pending = await app.get(NotificationSender).pendingFor(email);
      if (pending.length === 0) console.log(`Aucun courriel en attente pour ${email}.`);
      for (const mail of pending) {
        console.log(`--- ${frenchDateTime(mail.createdAt)} — ${mail.subject}\n${mail.text}`);
      }
    });
};
