import { connect } from 'node:net';

import type { NestExpressApplication } from '@nestjs/platform-express';
import { MembershipRole } from '@relais/aides';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import request from 'supertest';
import { DataSource } from 'typeorm';

import { KEEP_ALIVE_MS } from '../../src/create-api.js';
import { createMember, createStructure, hidden, logIn, startConsole } from '../console-helpers.js';
import { databaseFingerprint } from './hostile-harness.js';

type Agent = ReturnType<typeof request.agent>;

/**
 * Writes `head` (and `body`, while the server may already be answering) on a raw socket and
 * returns what came back: the status line and page, or 'reset' when the connection was reset.
 */
function rawExchange(port: number, head: string, body = ''): Promise<{ status: number | 'reset'; text: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let reset = false;
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : reset ? 'reset' : 'reset', text });
    });
    // No half-close: the request says "Connection: close", the server closes once it has answered.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.write(head);
    if (body) socket.write(body);
  });
}

describe('size limits: bodies, uploads, URLs and headers get a 4xx answer, never a reset', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;
  let port: number;
  let db: DataSource;
  let supervisor: Agent;
  let csrf: string;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startConsole();
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as { port: number }).port;
    db = app.get(DataSource);
    const structureId = await createStructure(app, 'France Services Limites');
    const member = await createMember(app, structureId, 'responsable.limites@example.fr', MembershipRole.Supervisor);
    supervisor = await logIn(app, member);
    csrf = hidden((await supervisor.get('/responsable/import-aidants').expect(200)).text, '_csrf');
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await env?.dispose();
  });

  describe('bodies (100 kB for JSON and forms, 56 kB inside /oidc)', () => {
    it('given a form body over 100 kB, when it is posted, then a French 413 page answers and nothing is stored', async () => {
      const before = await databaseFingerprint(db);

      const response = await request(app.getHttpServer())
        .post('/rejoindre')
        .set('accept', 'text/html')
        .type('form')
        .send(`name=${'A'.repeat(120_000)}`);

      expect(response.status).toBe(413);
      expect(response.text).toContain('Envoi trop volumineux');
      expect(await databaseFingerprint(db)).toEqual(before);
    });

    it('given a JSON body over 100 kB, when it is posted, then the answer is the JSON 413 payload_too_large', async () => {
      const response = await request(app.getHttpServer())
        .post('/connexion')
        .set('accept', 'application/json')
        .type('json')
        .send(JSON.stringify({ email: 'x'.repeat(120_000) }));

      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ statusCode: 413, code: 'payload_too_large' });
    });

    it('given a token request over the provider’s 56 kB, when it is posted to /oidc/token, then the provider answers 400 invalid_request, not a reset', async () => {
      const response = await request(app.getHttpServer())
        .post('/oidc/token')
        .type('form')
        .send(`grant_type=authorization_code&code=${'A'.repeat(200_000)}`);

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ error: 'invalid_request' });
    });

    it('given a 60 kB token request streamed without a length, when it reaches /oidc/token, then it is still a 400 answer', async () => {
      const body = `grant_type=authorization_code&code=${'A'.repeat(60_000)}`;
      const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;

      const answer = await rawExchange(
        port,
        'POST /oidc/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
        chunked,
      );

      expect(answer.status).toBe(400);
      expect(answer.text).toContain('invalid_request');
    });
  });

  describe('uploads (aide import: one file of 5 MB, five short fields, six parts)', () => {
    const upload = () =>
      supervisor.post(`/responsable/import-aidants?_csrf=${encodeURIComponent(csrf)}`).set('accept', 'text/html');
    const csv = Buffer.from('prénom;nom;adresse électronique;rôle;formé\nLéa;Martin;lea@example.fr;aidant;oui\n');

    it('given a file over 5 MB, when it is uploaded, then a French 413 page says a file is too big, and nothing is stored', async () => {
      const before = await databaseFingerprint(db);

      const response = await upload().attach('file', Buffer.alloc(5 * 1024 * 1024 + 1, 'a'), 'aidants.csv');

      expect(response.status).toBe(413);
      expect(response.text).toContain('Fichier trop volumineux');
      expect(response.text).toContain('Un fichier dépasse la taille permise.');
      expect(await databaseFingerprint(db)).toEqual(before);
    });

    it('given two files, when they are uploaded, then 413 "trop de fichiers"', async () => {
      const response = await upload().attach('file', csv, 'a.csv').attach('file', csv, 'b.csv');

      expect(response.status).toBe(413);
      expect(response.text).toContain('Le formulaire contient trop de fichiers.');
    });

    it('given six text fields, when they are uploaded with the file, then 413 "trop de champs"', async () => {
      let call = upload();
      for (let i = 0; i < 6; i += 1) call = call.field(`champ${i}`, 'x');

      const response = await call.attach('file', csv, 'a.csv');

      expect(response.status).toBe(413);
      expect(response.text).toContain('Le formulaire contient trop de champs.');
    });

    it('given a text field over 1 KiB, when it is uploaded, then 413 "un champ est trop long"', async () => {
      const response = await upload().field('importToken', 'x'.repeat(2000)).attach('file', csv, 'a.csv');

      expect(response.status).toBe(413);
      expect(response.text).toContain('Un champ du formulaire est trop long.');
    });

    it('given a field name over 100 bytes, when it is uploaded, then 413 "un nom de champ est trop long"', async () => {
      const response = await upload().field('n'.repeat(200), 'x').attach('file', csv, 'a.csv');

      expect(response.status).toBe(413);
      expect(response.text).toContain('Un nom de champ du formulaire est trop long.');
    });

    it('given a JSON client, when its upload is over a limit, then it reads the code upload_too_large', async () => {
      const response = await supervisor
        .post(`/responsable/import-aidants?_csrf=${encodeURIComponent(csrf)}`)
        .set('accept', 'application/json')
        .attach('file', csv, 'a.csv')
        .attach('file', csv, 'b.csv');

      expect(response.status).toBe(413);
      expect(response.body).toMatchObject({ code: 'upload_too_large' });
    });
  });

  describe('URLs and headers', () => {
    it('given a URL over 8 KiB, when it is asked for, then a French 414 page answers', async () => {
      const response = await request(app.getHttpServer())
        .get(`/lieux?q=${'a'.repeat(9000)}`)
        .set('accept', 'text/html');

      expect(response.status).toBe(414);
      expect(response.text).toContain('Adresse trop longue');
    });

    it('given a URL over 8 KiB to the OpenID provider, when it is asked for, then 414 too (the limit comes before /oidc)', async () => {
      const response = await request(app.getHttpServer()).get(`/oidc/auth?client_id=${'a'.repeat(9000)}`);

      expect(response.status).toBe(414);
    });

    it('given a request line over Node’s 16 KiB header limit, when it is sent, then the client reads a 414 page, not a reset', async () => {
      const answer = await rawExchange(
        port,
        `GET /lieux?q=${'a'.repeat(40_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );

      expect(answer.status).toBe(414);
      expect(answer.text).toContain('Adresse trop longue');
    });

    it('given headers over 16 KiB (a huge cookie), when they are sent, then the client reads a French 431 page, not a reset', async () => {
      const answer = await rawExchange(
        port,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: relais.sid=${'b'.repeat(40_000)}\r\nConnection: close\r\n\r\n`,
      );

      expect(answer.status).toBe(431);
      expect(answer.text).toContain('Effacez les cookies de ce site');
    });

    it('given oversized headers followed by a large body still being sent, when the server answers, then the client still reads 431', async () => {
      const answer = await rawExchange(
        port,
        `POST /rejoindre HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ${'c'.repeat(20_000)}\r\nContent-Length: 500000\r\n\r\n`,
        'd'.repeat(500_000),
      );

      expect(answer.status).toBe(431);
    });

    it('given a malformed request line, when it is sent, then Node’s own 400 still answers (only the header overflow is ours)', async () => {
      const answer = await rawExchange(port, 'NOT-HTTP \u0000\r\n\r\n');

      expect(answer.status).toBe(400);
    });

    it('given a 300 kB URL (the client still writing it when the server has read 16 KiB), when it is sent, then the client reads 414, not ECONNRESET', async () => {
      const response = await request(app.getHttpServer()).get(`/lieux?q=${'a'.repeat(300_000)}`);

      expect(response.status).toBe(414);
    });

    it('given fetch (undici) with a 40 KiB URL, when it asks, then it gets the 414 response rather than a socket error', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/lieux?q=${'a'.repeat(40_000)}`);

      expect(response.status).toBe(414);
      expect(await response.text()).toContain('Adresse trop longue');
    });
  });

  describe('idle connections', () => {
    it("given a keep-alive connection idle longer than Node's default (5 s, and 1 s of grace), when a proxy sends the next request on it, then it is answered", async () => {
      const socket = connect(port, '127.0.0.1');
      const answers: string[] = [];
      let closed = false;
      socket.on('data', (chunk) => answers.push(chunk.toString('utf8')));
      socket.on('close', () => {
        closed = true;
      });
      const get = 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(get);
      await new Promise((resolve) => setTimeout(resolve, 7_500));

      const stillOpen = !closed;
      socket.write(get);
      await new Promise((resolve) => setTimeout(resolve, 500));
      socket.destroy();

      expect(stillOpen).toBe(true);
      expect(answers.join('').match(/HTTP\/1\.1 200/g)).toHaveLength(2);
      expect(app.getHttpServer().keepAliveTimeout).toBe(KEEP_ALIVE_MS);
    }, 15_000);
  });
});
