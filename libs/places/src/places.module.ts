import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@relais/audit';

import { MediationPlace } from './entities/mediation-place.entity.js';

import { PlacesFinder } from './services/places-finder.service.js';
import { PlacesImporter } from './services/places-importer.service.js';

/** Digital mediation places (national open-data schema): the operator's import and the citizens' search. */
@Module({
  imports: [TypeOrmModule.forFeature([MediationPlace]), AuditModule],
  providers: [PlacesImporter, PlacesFinder],
  exports: [PlacesImporter, PlacesFinder],
})
export class PlacesModule {}
