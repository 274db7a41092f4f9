import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuditModule } from '@relais/audit';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { AllExceptionsFilter } from '@relais/exceptions';
import { HealthModule } from '@relais/health';
import { LoggerModule } from '@relais/logger';
import { QueueModule } from '@relais/queue';

import { HomeController } from './home/home.controller.js';

@Module({
  imports: [RelaisConfigModule, LoggerModule, DatabaseModule, QueueModule, AuditModule, HealthModule],
  controllers: [HomeController],
  providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
})
export class ApiModule {}
