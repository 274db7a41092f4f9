import { Controller, Get, Query, Render } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { frenchOpeningHours, PlacesFinder } from '@relais/places';

import { PlaceSearchQuery } from './dto/place-search.dto.js';

/** "Find help near me": digital mediation places, for citizens (no login). */
@ApiExcludeController()
@Controller('lieux')
export class PlacesController {
  constructor(private readonly places: PlacesFinder) {}

  @Get()
  @Render('places/search.njk')
  async search(@Query() query: PlaceSearchQuery) {
    const q = query.q?.trim() ?? '';
    const found = q ? await this.places.search(q) : null;
    return { pageTitle: 'Trouver un lieu d’aide près de chez vous', q, found, frenchOpeningHours };
  }
}
