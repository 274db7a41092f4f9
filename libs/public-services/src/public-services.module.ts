import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';

import { PublicService } from './entities/public-service.entity.js';
import { PublicServiceDirectory } from './services/public-service-directory.service.js';
import { PublicServicesService } from './services/public-services.service.js';

/** The registry of public services; the app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [TypeOrmModule.forFeature([PublicService]), AuditModule],
  providers: [PublicServicesService, PublicServiceDirectory],
  exports: [PublicServicesService, PublicServiceDirectory],
})
export class PublicServicesModule {}
