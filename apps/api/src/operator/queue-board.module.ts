import { type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AidesModule } from '@relais/aides';
import { AuditModule } from '@relais/audit';
import { AuthModule, SessionMiddleware } from '@relais/auth';
import { QueueModule } from '@relais/queue';

import { QueueBoardAccess } from './queue-board-access.middleware.js';
import { QUEUE_BOARD_PATH, QueueBoard } from './queue-board.js';
import { QueuesController } from './queues.controller.js';

const boardRoutes = [
  { path: QUEUE_BOARD_PATH.slice(1), method: RequestMethod.ALL },
  { path: `${QUEUE_BOARD_PATH.slice(1)}/{*path}`, method: RequestMethod.ALL },
];

/**
 * The operators' queue dashboard: bull-board over every queue, at QUEUE_BOARD_PATH, framed by
 * the console page /operateur/files. AuthModule leaves that path to this module: the session is
 * loaded here, then QueueBoardAccess checks the operator, step-up and origin before the board.
 */
@Module({
  imports: [AuthModule, AidesModule, AuditModule, QueueModule],
  controllers: [QueuesController],
  providers: [QueueBoard, QueueBoardAccess],
})
export class QueueBoardModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(SessionMiddleware, QueueBoardAccess).forRoutes(...boardRoutes);
  }
}
