import { Controller, Get, Header, Render } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PublicStatisticsService, statisticsCsv } from '@relais/statistics';

import { statisticsPage } from './statistics-page.js';

/** The public observatory: no login, no personal data, small counts masked. */
@ApiTags('statistics')
@Controller('statistiques')
export class StatisticsController {
  constructor(private readonly statistics: PublicStatisticsService) {}

  @Get()
  @Render('statistics/index.njk')
  async page() {
    return statisticsPage(await this.statistics.compute());
  }

  @Get('donnees.csv')
  @Header('content-type', 'text/csv; charset=utf-8')
  @Header('content-disposition', 'attachment; filename="relais-statistiques.csv"')
  @ApiOkResponse({ description: 'The same figures as the page, as CSV (`;`, UTF-8 with BOM)' })
  async csv() {
    return statisticsCsv(await this.statistics.compute());
  }
}
