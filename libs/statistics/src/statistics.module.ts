import { Module } from '@nestjs/common';

import { PublicStatisticsService } from './services/public-statistics.service.js';

/** The public observatory: figures by month and département, with small counts masked. */
@Module({
  providers: [PublicStatisticsService],
  exports: [PublicStatisticsService],
})
export class StatisticsModule {}
