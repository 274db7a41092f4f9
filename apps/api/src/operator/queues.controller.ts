import { Controller, Get, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Console } from '@relais/auth';

import { QUEUE_BOARD_PATH } from './queue-board.js';

/** The operators' queue page: the console's header and menu around bull-board's own UI. */
@ApiExcludeController()
@Controller('operateur/files')
export class QueuesController {
  @Get()
  @Console({ operator: true, stepUp: true })
  @Render('operator/queues.njk')
  page() {
    return { pageTitle: 'Files de tâches', boardPath: `${QUEUE_BOARD_PATH}/` };
  }
}
