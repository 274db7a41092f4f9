import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AidesModule } from '@relais/aides';
import { AuditModule } from '@relais/audit';
import { StructuresModule } from '@relais/structures';

import { AideImport } from './entities/aide-import.entity.js';
import { StructureRequest } from './entities/structure-request.entity.js';
import { StructureRequestLink } from './entities/structure-request-link.entity.js';
import { AideImportsService } from './services/aide-imports.service.js';
import { StructureRequestsService } from './services/structure-requests.service.js';

/** Structures asking to join, and aides imported in bulk; the app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [
    TypeOrmModule.forFeature([StructureRequest, StructureRequestLink, AideImport]),
    AuditModule,
    AidesModule,
    StructuresModule,
  ],
  providers: [StructureRequestsService, AideImportsService],
  exports: [StructureRequestsService, AideImportsService],
})
export class OnboardingModule {}
