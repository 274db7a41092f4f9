import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QueueName } from '@relais/queue';
import type { Queue } from 'bullmq';
import type { RequestHandler } from 'express';

/** The operators' console page that frames the board. */
export const QUEUES_PAGE = '/operateur/files';
/** Where bull-board itself (its page, assets and JSON API) is served. */
export const QUEUE_BOARD_PATH = `${QUEUES_PAGE}/tableau`;

/**
 * What operators may change through the board: retry failed jobs, one or every failed job of a
 * queue (every job is idempotent). Emptying, cleaning, pausing or obliterating a queue, adding or
 * editing jobs are refused: they could lose an expiry or a revocation's follow-up.
 */
const ALLOWED_CHANGES: ReadonlyArray<RegExp> = [
  /^\/api\/queues\/[^/]+\/retry\/failed$/,
  /^\/api\/queues\/[^/]+\/[^/]+\/retry$/,
];

/** Whether `path` (relative to QUEUE_BOARD_PATH, without the query) is a change operators may make. */
export function boardChangeAllowed(method: string, path: string): boolean {
  return method === 'PUT' && ALLOWED_CHANGES.some((pattern) => pattern.test(path));
}

/**
 * bull-board (its own UI, in French) over every queue of @relais/queue. Access control, CSRF and
 * CSP are QueueBoardAccess's: this only builds the Express app that serves the board.
 */
@Injectable()
export class QueueBoard implements OnModuleInit {
  handler!: RequestHandler;

  constructor(private readonly moduleRef: ModuleRef) {}

  /** Once the queues exist (they are providers of QueueModule). */
  onModuleInit(): void {
    const moduleRef = this.moduleRef;
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(QUEUE_BOARD_PATH);
    createBullBoard({
      queues: Object.values(QueueName).map(
        (name) =>
          new BullMQAdapter(moduleRef.get<Queue>(getQueueToken(name), { strict: false }), { allowRetries: true }),
      ),
      serverAdapter,
      options: {
        uiConfig: {
          boardTitle: 'Files de tâches Relais',
          locale: { lng: 'fr-FR' },
          hideDocsLink: true,
          sortQueues: true,
        },
      },
    });
    const app = serverAdapter.getRouter() as RequestHandler & { disable(setting: string): void };
    app.disable('x-powered-by');
    this.handler = app;
  }
}
