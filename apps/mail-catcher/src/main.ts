import { loadMailCatcherConfig, MailCatcherConfigError } from './mail-catcher-config.js';
import { startMailCatcher } from './mail-catcher.js';

// Shows every email it receives to anyone who opens the page: never in production.
if (process.env.NODE_ENV === 'production') {
  process.stderr.write('The mail catcher refuses to start with NODE_ENV=production: it is a development stand-in.\n');
  process.exit(1);
}

try {
  const catcher = await startMailCatcher(loadMailCatcherConfig());
  console.log(`Mail catcher (development only): SMTP ${catcher.smtpUrl}, page ${catcher.pageUrl}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void catcher.close().then(() => process.exit(0)));
  }
} catch (error) {
  const message = error instanceof MailCatcherConfigError ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`The mail catcher cannot start: ${message}\n`);
  process.exit(1);
}
