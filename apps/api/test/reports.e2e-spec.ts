import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { AuditAction, AuditActorType, AuditRecorder, AuditSealer } from '@relais/audit';
import { projectRoot } from '@relais/config';
import { QueueName, redisOptions, ReportsJob } from '@relais/queue';
import { createTestEnvironment, readPdf, type TestEnvironment, until } from '@relais/testing';
import { bullPrefix } from '@relais/redis';
import { Queue } from 'bullmq';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { createMember, createStructure, logIn, startConsole, submit, type TestMember } from './console-helpers.js';

const WORKER = join(projectRoot(), 'dist/apps/worker/src/main.js');

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Paris' });
const PERIOD = `du=${day(-1)}&au=${day(1)}`;

const binary = (res: request.Response, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('audit report exports through the console and the worker', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let worker: ChildProcess;
  let supervisor: TestMember;
  let aide: TestMember;
  let otherSupervisor: TestMember;
  let agents: Record<'supervisor' | 'aide' | 'other', ReturnType<typeof request.agent>>;

  /** Exports with the form as a person would, waits for the worker, returns the file and its signature. */
  const exportAs = async (agent: ReturnType<typeof request.agent>, format: 'csv' | 'pdf', filters = '') => {
    const posted = await submit(agent, `/rapports?${PERIOD}${filters}`, '/rapports', {
      du: day(-1),
      au: day(1),
      format,
    });
    expect(posted.status).toBe(303);
    const page = posted.headers.location as string;
    const deadline = Date.now() + 60_000;
    let progress = await agent.get(page);
    while (!progress.text.includes('Le rapport est prêt')) {
      expect(progress.status).toBe(200);
      expect(progress.text).toContain('http-equiv="refresh"');
      if (Date.now() > deadline) throw new Error('the export did not finish');
      await new Promise((resolve) => setTimeout(resolve, 250));
      progress = await agent.get(page);
    }
    const file = await agent.get(`${page}/fichier`).buffer(true).parse(binary);
    const signature = await agent.get(`${page}/signature`).buffer(true).parse(binary);
    expect(file.status).toBe(200);
    expect(signature.status).toBe(200);
    return { page, file: file.body as Buffer, signature: signature.body as Buffer, progress };
  };
  const verifyUpload = (file: Buffer, signature: Buffer, name: string) =>
    request(app.getHttpServer())
      .post('/verify/rapport')
      .set('accept', 'text/html')
      .attach('rapport', file, name)
      .attach('signature', signature, `${name}.jws`);

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    const structureId = await createStructure(app, 'France Services Belleville');
    const otherId = await createStructure(app, 'Mairie de Mende');
    supervisor = await createMember(app, structureId, 'responsable.rapports@example.fr', MembershipRole.Supervisor);
    aide = await createMember(app, structureId, 'aidant.rapports@example.fr');
    otherSupervisor = await createMember(app, otherId, 'responsable.mende@example.fr', MembershipRole.Supervisor);
    agents = {
      supervisor: await logIn(app, supervisor),
      aide: await logIn(app, aide),
      other: await logIn(app, otherSupervisor),
    };
    // Given delegated logins by the aide, journaled and sealed
    const db = app.get(DataSource);
    for (const area of ['papers', 'money', 'papers']) {
      await db.transaction((manager) =>
        app.get(AuditRecorder).record(manager, {
          action: AuditAction.DelegatedLogin,
          actor: { type: AuditActorType.Aide, id: aide.aideId },
          structureId,
          details: { area, publicService: 'impots' },
        }),
      );
    }
    const deadline = Date.now() + 15_000;
    while ((await db.query('SELECT count(*)::int AS n FROM audit_outbox'))[0].n > 0 && Date.now() < deadline) {
      await app.get(AuditSealer).sealPending();
    }
    worker = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env.env }, stdio: 'ignore' });
  }, 90_000);

  afterAll(async () => {
    if (worker?.exitCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await app?.close();
    await env?.dispose();
  });

  it('given a supervisor, the form shows the number of entries before exporting', async () => {
    const page = await agents.supervisor.get(`/rapports?${PERIOD}&demarche=papers`);

    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>2</strong> entrées du journal correspondent');
    expect(page.text).toContain('Démarche : Papiers');
  });

  it('given a CSV export, the worker writes it, the page offers it, and the public page verifies it; a changed cell is named', async () => {
    const { file, signature } = await exportAs(agents.supervisor, 'csv');

    expect(file.toString('utf8')).toContain('Connexion à un service public pour l’usager');
    const genuine = await verifyUpload(file, signature, 'journal.csv');
    expect(genuine.status).toBe(200);
    expect(genuine.text).toContain('Rapport authentique et complet');

    const changed = Buffer.from(file.toString('utf8').replace('""money""', '""family""'));
    const refused = await verifyUpload(changed, signature, 'journal.csv');
    expect(refused.text).toContain('Rapport NON conforme');
    expect(refused.text).toMatch(/La ligne \d+ \(entrée n° \d+\) a été modifiée/);
  }, 90_000);

  it('given a PDF export, it reads as a report and verifies', async () => {
    const { file, signature } = await exportAs(agents.supervisor, 'pdf');

    const pdf = await readPdf(file);
    expect(pdf.text).toContain('Journal des actions');
    expect(pdf.text).toContain('France Services Belleville');
    expect(pdf.text).toContain('Connexion à un service public pour l’usager');
    expect(pdf.text).toMatch(/Page 1 \/ \d+/);
    expect(pdf.text).toContain('Signature de la plateforme');
    const verified = await verifyUpload(file, signature, 'journal.pdf');
    expect(verified.text).toContain('Rapport authentique');
  }, 90_000);

  it('given another structure’s supervisor, the export and its files are not found, nor the aide by id', async () => {
    const { page } = await exportAs(agents.supervisor, 'csv');

    for (const path of [page, `${page}/fichier`, `${page}/signature`]) {
      expect((await agents.other.get(path).set('accept', 'text/html')).status).toBe(404);
    }
    const otherAide = await agents.other.get(`/rapports?${PERIOD}&aidant=${aide.aideId}`).set('accept', 'text/html');
    expect(otherAide.status).toBe(404);
  }, 90_000);

  it('given an aide, they may not name another aide, and their export holds their own actions only', async () => {
    const named = await agents.aide.get(`/rapports?${PERIOD}&aidant=${supervisor.aideId}`).set('accept', 'text/html');
    expect(named.status).toBe(403);

    const { file } = await exportAs(agents.aide, 'csv');
    const entries = file
      .toString('utf8')
      .slice(1)
      .trimEnd()
      .split('\r\n')
      .slice(1)
      .filter((line) => !line.includes('hors de cet export'));
    expect(entries.length).toBeGreaterThanOrEqual(3);
    for (const line of entries) expect(line.split(';')[7]).toBe(aide.aideId);
  }, 90_000);

  it('given an operator, they count any structure by SIRET, and a SIRET that matches none is named in the form', async () => {
    const db = app.get(DataSource);
    await db.query('UPDATE aides SET operator = true WHERE id = $1', [otherSupervisor.aideId]);
    const [{ siret }] = await db.query(`SELECT siret FROM structures WHERE name = 'France Services Belleville'`);

    const counted = await agents.other.get(`/operateur/rapports?siret=${siret}&${PERIOD}`);
    const unknown = await agents.other.get(`/operateur/rapports?siret=73282932000074&${PERIOD}`);

    expect(counted.status).toBe(200);
    expect(counted.text).toMatch(/<strong>\d+<\/strong> entrées du journal correspondent/);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('id="siret-erreur"');
  });

  it('given an export past its expiry, it is refused at once, and the worker job deletes it with its file', async () => {
    const { page } = await exportAs(agents.supervisor, 'csv');
    const id = page.split('/').at(-1)!;
    const db = app.get(DataSource);
    await db.query(`UPDATE report_exports SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

    expect((await agents.supervisor.get(`${page}/fichier`).set('accept', 'text/html')).status).toBe(404);
    // The job the worker's scheduler runs every 15 minutes, queued now instead of waiting.
    const connection = redisOptions(env.redisUrl);
    const queue = new Queue(QueueName.Reports, { connection, prefix: bullPrefix(env.redisPrefix) });
    try {
      const { id: jobId } = await queue.add(ReportsJob.DeleteExpired, {});
      // Polled rather than awaited through QueueEvents, whose completion event can be missed.
      const done = await until(
        async () => {
          const job = await queue.getJob(jobId!);
          return job?.finishedOn ? job : undefined;
        },
        60_000,
        'the delete-expired job to finish',
      );
      expect(done.failedReason).toBeUndefined();
      expect(done.returnvalue).toEqual({ deleted: 1 });
    } finally {
      await queue.close();
    }
    const left = await db.query(
      'SELECT (SELECT count(*)::int FROM report_exports WHERE id = $1) AS exports, (SELECT count(*)::int FROM report_export_chunks WHERE export_id = $1) AS chunks',
      [id],
    );
    expect(left).toEqual([{ exports: 0, chunks: 0 }]);
  }, 90_000);
});
