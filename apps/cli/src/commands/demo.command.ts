import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

import type { INestApplicationContext } from '@nestjs/common';

import { AuditAction, AuditActorType, AuditRecorder } from '@relais/audit';
import { loadConfig, projectRoot } from '@relais/config';
import { ConsentTranslations } from '@relais/mandates';
import { PlacesImporter, readPlaceFile } from '@relais/places';
import { DataSource } from 'typeorm';

import type { CliContext, CommandRegistration } from '../cli-context.js';
import { readTranslationFile } from './consent-translation.command.js';
import { migrate } from './database.command.js';
import { DEMO_SERVICE_URL, seedDemoMandate, seedDemoPublicService } from './demo-delegation.js';
import { DEMO_AIDE_EMAIL, DEMO_PASSWORD, DEMO_STRUCTURE_SIRET, type DemoAccount, seedDemoData } from './demo-data.js';

const PROCESSES = [
  { name: 'api', script: 'dist/apps/api/src/main.js' },
  { name: 'worker', script: 'dist/apps/worker/src/main.js' },
  // Local FranceConnect stand-in (test identities); never part of a production deployment.
  { name: 'identity-sandbox', script: 'dist/apps/identity-sandbox/src/main.js' },
  // A public service logging in through Relais (delegated login); a dev stand-in too.
  { name: 'demo-service', script: 'dist/apps/demo-service/src/main.js' },
];

/** The dev mail catcher (apps/mail-catcher): started, and given to the worker, when SMTP_URL is unset. */
const MAIL_CATCHER = { name: 'mail-catcher', script: 'dist/apps/mail-catcher/src/main.js' };
export const DEMO_MAIL_CATCHER_SMTP_URL = 'smtp://127.0.0.1:1025';
export const DEMO_MAIL_CATCHER_PAGE = 'http://localhost:1080/';

const DEMO_PLACES_FILE = 'database/seeds/lieux-de-mediation-numerique.demo.json';
/** `<version>.<lang>.json`: translations of the consent text, to be reviewed by a sworn translator. */
const DEMO_TRANSLATIONS_DIR = 'database/seeds/consent-translations';

/** The demo's translations of the consent text (English, Arabic), added unreviewed; idempotent. */
async function seedConsentTranslations(app: INestApplicationContext) {
  const dir = join(projectRoot(), DEMO_TRANSLATIONS_DIR);
  for (const file of (await readdir(dir)).filter((name) => name.endsWith('.json')).sort()) {
    const [version, lang] = basename(file, '.json').split('.');
    await app.get(ConsentTranslations).add(version, lang, await readTranslationFile(join(dir, file)));
  }
}

async function seed(context: CliContext) {
  const app = await context.get();
  const recorder = app.get(AuditRecorder);
  await app
    .get(DataSource)
    .transaction((manager) =>
      recorder.record(manager, { action: AuditAction.DemoDataSeeded, actor: { type: AuditActorType.System } }),
    );
  const accounts = await seedDemoData(app);
  await seedDemoMandate(app, DEMO_STRUCTURE_SIRET, DEMO_AIDE_EMAIL);
  // Digital mediation places around the demo structures (Paris 20e, Lille), shown at /lieux.
  await app.get(PlacesImporter).replaceAll(await readPlaceFile(join(projectRoot(), DEMO_PLACES_FILE)));
  await seedConsentTranslations(app);
  return { accounts, demoService: await seedDemoPublicService(app) };
}

function accountsTable(accounts: DemoAccount[]): string {
  return accounts
    .map(
      (a) =>
        `  ${a.email}\n    ${a.role}, ${a.structures}${a.trained ? '' : ' (formation non validée)'}\n    clé TOTP : ${a.totpSecret}   (code : oathtool --totp -b ${a.totpSecret})`,
    )
    .join('\n');
}

async function waitUntilReady(url: string, children: ChildProcess[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (children.some((child) => child.exitCode !== null)) throw new Error('a process stopped during start-up');
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

export const demoCommands: CommandRegistration = (program, context) => {
  program
    .command('demo')
    .description('Migrate, seed demo data and run the whole platform locally until Ctrl+C')
    .action(async () => {
      const config = loadConfig();
      const root = projectRoot();
      console.log('Preparing the database…');
      await migrate(config.DATABASE_URL);
      const { accounts, demoService } = await seed(context);
      await context.close();
      const demoServiceEnv = {
        DEMO_SERVICE_ISSUER: `${config.ISSUER}/oidc`,
        DEMO_SERVICE_CLIENT_ID: demoService.clientId,
        DEMO_SERVICE_CLIENT_SECRET: demoService.clientSecret,
      };

      // Without a mail server of their own, the emails go to the catcher's page.
      const catchMail = !config.SMTP_URL;
      const envOf: Record<string, NodeJS.ProcessEnv> = {
        'demo-service': { ...process.env, ...demoServiceEnv },
        ...(catchMail ? { worker: { ...process.env, SMTP_URL: DEMO_MAIL_CATCHER_SMTP_URL } } : {}),
      };

      const logDir = join(root, 'var', 'log');
      mkdirSync(logDir, { recursive: true });
      const children = [...(catchMail ? [MAIL_CATCHER] : []), ...PROCESSES].map(({ name, script }) => {
        const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
        const env = envOf[name] ?? process.env;
        const child = spawn(process.execPath, [join(root, script)], { cwd: root, env });
        child.stdout.pipe(log);
        child.stderr.pipe(log);
        child.stderr.pipe(process.stderr);
        return child;
      });
      const stop = () => children.forEach((child) => child.exitCode === null && child.kill('SIGTERM'));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);

      try {
        await waitUntilReady(`http://127.0.0.1:${config.PORT}/health/ready`, children);
      } catch (error) {
        stop();
        throw new Error(`Relais did not start (${(error as Error).message}); see ${logDir}`, { cause: error });
      }
      console.log(`
Relais is running (logs in ${logDir}). Ctrl+C stops everything.

  Console            ${config.ISSUER}/
  API documentation  ${config.ISSUER}/api/docs
  Readiness          ${config.ISSUER}/health/ready
  Audit journal      npm run cli -- audit:verify
  FranceConnect stand-in (test identities)  http://localhost:3100/
  Demo public service (delegated login)     ${DEMO_SERVICE_URL}/
    log in there as ${DEMO_AIDE_EMAIL} and act for Marie-Thérèse Hélène Lefèvre-Ndiaye (demo mandate)
  Operator pages (public services)          ${config.ISSUER}/operateur/services-publics (responsable@demo.relais.fr)
  Citizen portal                            ${config.ISSUER}/usager (log in as Marie-Thérèse on the stand-in)
  Emails sent (mail catcher)                ${catchMail ? `${DEMO_MAIL_CATCHER_PAGE} (the worker sends to ${DEMO_MAIL_CATCHER_SMTP_URL})` : `sent to your SMTP_URL (${new URL(config.SMTP_URL!).host})`}

Demo accounts (password for all: ${DEMO_PASSWORD}); add the TOTP key to any authenticator app:
${accountsTable(accounts)}
`);
      await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
    });
};
