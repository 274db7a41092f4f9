import { Injectable } from '@nestjs/common';
import { searchable } from '@relais/text';
import { DataSource } from 'typeorm';

import { MediationPlace } from '../entities/mediation-place.entity.js';

export const PLACES_PAGE_SIZE = 20;

export type PlaceSearchKind = 'postcode' | 'department' | 'town';

export interface FoundPlace {
  place: MediationPlace;
  /** Kilometres from the searched postcode, when both have coordinates. */
  distanceKm: number | null;
}

export interface PlaceSearch {
  kind: PlaceSearchKind;
  places: FoundPlace[];
}

const DISTANCE_KM = `6371 * 2 * asin(sqrt(
  power(sin(radians(p.latitude - $1) / 2), 2) +
  cos(radians($1)) * cos(radians(p.latitude)) * power(sin(radians(p.longitude - $2) / 2), 2)))`;

/**
 * Where to get help nearby: by postcode (nearest first), by département or by town. The imported
 * places carry coordinates, postcodes do not: the origin of a postcode search is the centre of the
 * places at that postcode, else of its département; without any, places with the closest postcode.
 */
@Injectable()
export class PlacesFinder {
  constructor(private readonly dataSource: DataSource) {}

  async search(query: string): Promise<PlaceSearch> {
    const text = query.trim();
    if (/^\d{5}$/.test(text)) return { kind: 'postcode', places: await this.nearPostcode(text) };
    if (/^(\d{2}|2[ab]|9[78]\d)$/i.test(text)) {
      const places = await this.repository().find({
        where: { department: text.toUpperCase() },
        order: { town: 'ASC', name: 'ASC' },
        take: PLACES_PAGE_SIZE,
      });
      return { kind: 'department', places: places.map((place) => ({ place, distanceKm: null })) };
    }
    const town = searchable(text);
    const places = town
      ? await this.repository()
          .createQueryBuilder('p')
          .where('p.search_town LIKE :town', { town: `${town}%` })
          .orderBy('p.town')
          .addOrderBy('p.name')
          .take(PLACES_PAGE_SIZE)
          .getMany()
      : [];
    return { kind: 'town', places: places.map((place) => ({ place, distanceKm: null })) };
  }

  private async nearPostcode(postcode: string): Promise<FoundPlace[]> {
    const [origin]: { latitude: number | null; longitude: number | null }[] = await this.dataSource.query(
      `SELECT coalesce(avg(latitude) FILTER (WHERE postcode = $1), avg(latitude)) AS latitude,
              coalesce(avg(longitude) FILTER (WHERE postcode = $1), avg(longitude)) AS longitude
         FROM mediation_places
        WHERE department = relais_department($1) AND latitude IS NOT NULL`,
      [postcode],
    );
    if (origin.latitude === null || origin.longitude === null) {
      const places = await this.repository()
        .createQueryBuilder('p')
        .orderBy('abs(p.postcode::int - :postcode)')
        .addOrderBy('p.name')
        .setParameter('postcode', Number(postcode))
        .take(PLACES_PAGE_SIZE)
        .getMany();
      return places.map((place) => ({ place, distanceKm: null }));
    }
    const rows: { id: string; distance_km: number | null }[] = await this.dataSource.query(
      `SELECT p.id, ${DISTANCE_KM} AS distance_km FROM mediation_places p
        ORDER BY distance_km NULLS LAST, p.name LIMIT ${PLACES_PAGE_SIZE}`,
      [origin.latitude, origin.longitude],
    );
    const places = await this.repository().findBy(rows.map((row) => ({ id: row.id })));
    const byId = new Map(places.map((place) => [place.id, place]));
    return rows.map((row) => ({ place: byId.get(row.id)!, distanceKm: row.distance_km }));
  }

  private repository() {
    return this.dataSource.getRepository(MediationPlace);
  }
}
