import { Body, Controller, Get, Post } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { DomainException, ErrorCode } from '@relais/exceptions';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';
import { IsEmail, IsInt, Max, Min } from 'class-validator';
import request from 'supertest';

import { ApiModule } from '../src/api.module.js';
import { configureApi } from '../src/create-api.js';

class ProbeDto {
  @IsEmail()
  email: string;

  @IsInt()
  @Min(1)
  @Max(12)
  months: number;
}

/** Stands for any later controller: a validated body, a domain error, an unexpected crash. */
@Controller('api/probe')
class ProbeController {
  @Post()
  create(@Body() body: ProbeDto) {
    return { received: body };
  }

  @Get('forbidden')
  forbidden() {
    throw new DomainException(ErrorCode.Forbidden);
  }

  @Get('crash')
  crash() {
    throw new Error('secret internal detail');
  }
}

async function startApi(): Promise<NestExpressApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [ApiModule], controllers: [ProbeController] }).compile();
  const app = configureApi(moduleRef.createNestApplication<NestExpressApplication>({ bufferLogs: true }));
  await app.init();
  return app;
}

describe('api foundation', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;

  beforeAll(async () => {
    env = await createTestEnvironment();
    app = await startApi();
  });

  afterAll(async () => {
    await app.close();
    await env.dispose();
  });

  describe('health', () => {
    it('answers live without checking dependencies', async () => {
      await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    });

    it('answers ready with PostgreSQL and Redis both up', async () => {
      const response = await request(app.getHttpServer()).get('/health/ready').expect(200);
      expect(response.body.details).toEqual({
        database: expect.objectContaining({ status: 'up' }),
        redis: { status: 'up' },
      });
    });
  });

  describe('errors', () => {
    it('refuses an invalid body with 400 and names each bad field in French, never echoing values', async () => {
      const response = await request(app.getHttpServer())
        .post('/api/probe')
        .send({ email: 'pas-un-email@', months: 13 })
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, code: 'validation_failed' });
      expect(response.body.message).toMatch(/informations envoyées ne sont pas valides/);
      expect(response.body.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(['email', 'months']);
      expect(JSON.stringify(response.body)).not.toContain('pas-un-email@');
    });

    it('given a DTO without messages of its own, when a body breaks its rules and adds a field, then the details are in French only', async () => {
      const response = await request(app.getHttpServer())
        .post('/api/probe')
        .send({ email: 42, months: 'douze', isAdmin: true })
        .expect(400);

      expect(response.body.details.fields).toEqual([
        { field: 'isAdmin', problems: ['Ce champ n’est pas attendu.'] },
        { field: 'email', problems: ['Saisissez une adresse électronique valide, par exemple nom@domaine.fr.'] },
        {
          field: 'months',
          problems: ['Saisissez un nombre entier.', 'Ce nombre est trop petit.', 'Ce nombre est trop grand.'],
        },
      ]);
    });

    it('refuses unknown fields instead of dropping them', async () => {
      const response = await request(app.getHttpServer())
        .post('/api/probe')
        .send({ email: 'a@example.fr', months: 1, isAdmin: true })
        .expect(400);
      expect(response.body.details.fields).toEqual([{ field: 'isAdmin', problems: [expect.any(String)] }]);
    });

    it('accepts a valid body', async () => {
      await request(app.getHttpServer())
        .post('/api/probe')
        .send({ email: 'a@example.fr', months: 6 })
        .expect(201, { received: { email: 'a@example.fr', months: 6 } });
    });

    it('answers malformed JSON with 400, not 500', async () => {
      const response = await request(app.getHttpServer())
        .post('/api/probe')
        .set('Content-Type', 'application/json')
        .send('{"email": ')
        .expect(400);
      expect(response.body.code).toBe('malformed_request');
    });

    it('answers an oversized body with 413', async () => {
      await request(app.getHttpServer())
        .post('/api/probe')
        .send({ email: 'a@example.fr', months: 1, padding: 'x'.repeat(200_000) })
        .expect(413);
    });

    it('turns a domain exception into its status and French message', async () => {
      const response = await request(app.getHttpServer()).get('/api/probe/forbidden').expect(403);
      expect(response.body).toEqual({ statusCode: 403, code: 'forbidden', message: expect.stringMatching(/droit/) });
    });

    it('hides the details of an unexpected error', async () => {
      const response = await request(app.getHttpServer()).get('/api/probe/crash').expect(500);
      expect(response.body.code).toBe('internal_error');
      expect(JSON.stringify(response.body)).not.toContain('secret internal detail');
    });

    it('answers an unknown page with a French HTML page for browsers and JSON for API clients', async () => {
      const page = await request(app.getHttpServer()).get('/nulle-part').set('Accept', 'text/html').expect(404);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.text).toContain('Page non trouvée');
      const json = await request(app.getHttpServer()).get('/nulle-part').set('Accept', 'application/json').expect(404);
      expect(json.body.code).toBe('not_found');
    });
  });

  describe('headers and docs', () => {
    it('sends a strict content security policy and no framework banner', async () => {
      const response = await request(app.getHttpServer()).get('/').expect(200);
      expect(response.headers['content-security-policy']).toContain("script-src 'self'");
      expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-powered-by']).toBeUndefined();
    });

    it('serves the DSFR from the app itself', async () => {
      const response = await request(app.getHttpServer()).get('/dsfr/dsfr.min.css').expect(200);
      expect(response.headers['content-type']).toMatch(/text\/css/);
    });

    it('publishes the OpenAPI description', async () => {
      const response = await request(app.getHttpServer()).get('/api/docs-json').expect(200);
      expect(response.body.info.title).toBe('Relais API');
      expect(Object.keys(response.body.paths)).toEqual(expect.arrayContaining(['/health/live', '/health/ready']));
    });
  });
});

describe('api readiness with Redis unreachable', () => {
  let env: TestEnvironment;
  let app: NestExpressApplication;

  beforeAll(async () => {
    env = await createTestEnvironment();
    process.env.REDIS_URL = 'redis://127.0.0.1:1'; // nothing listens there
    app = await startApi();
  });

  afterAll(async () => {
    await app.close();
    process.env.REDIS_URL = env.redisUrl;
    await env.dispose();
  });

  it('answers a console page with 503 "try again later", not 500, when sessions cannot be read', async () => {
    const page = await request(app.getHttpServer()).get('/connexion').set('Accept', 'text/html');
    expect(page.status).toBe(503);
    expect(page.text).toContain('momentanément indisponible');
  }, 20_000);

  it('answers ready with 503 and names Redis as down', async () => {
    const response = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(response.body.error).toHaveProperty('redis.status', 'down');
    expect(response.body.info).toHaveProperty('database.status', 'up');
  });
});
