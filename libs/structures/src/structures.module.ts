import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';

import { Structure } from './entities/structure.entity.js';
import { StructuresService } from './services/structures.service.js';

/** Structures and their perimeter; the app also imports RelaisConfigModule and DatabaseModule. */
@Module({
  imports: [TypeOrmModule.forFeature([Structure]), AuditModule],
  providers: [StructuresService],
  exports: [StructuresService],
})
export class StructuresModule {}
