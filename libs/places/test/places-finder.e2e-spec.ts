import { Test, type TestingModule } from '@nestjs/testing';
import { RelaisConfigModule } from '@relais/config';
import { DatabaseModule } from '@relais/database';
import { createTestEnvironment, type TestEnvironment } from '@relais/testing';

import { PlacesFinder, PlacesImporter, PlacesModule } from '../src/index.js';

const at = (id: string, town: string, postcode: string, latitude: number | null, longitude: number | null) => ({
  line: 1,
  fields: {
    id,
    nom: id,
    pivot: '21750001600019',
    commune: town,
    code_postal: postcode,
    adresse: '1 rue',
    date_maj: '2026-11-01',
    latitude,
    longitude,
  },
});

describe('finding a place near me', () => {
  let env: TestEnvironment;
  let moduleRef: TestingModule;
  let finder: PlacesFinder;

  beforeAll(async () => {
    env = await createTestEnvironment();
    moduleRef = await Test.createTestingModule({
      imports: [RelaisConfigModule, DatabaseModule, PlacesModule],
    }).compile();
    finder = moduleRef.get(PlacesFinder);
    await moduleRef
      .get(PlacesImporter)
      .replaceAll([
        at('Belleville', 'Paris', '75020', 48.8722, 2.377),
        at('Saint-Blaise', 'Paris', '75020', 48.8571, 2.4078),
        at('Montreuil', 'Montreuil', '93100', 48.861, 2.4436),
        at('Lille Centre', 'Lille', '59000', 50.6314, 3.0692),
        at('Fives', 'Lille', '59800', 50.6339, 3.0893),
        at('Villeneuve', 'Villeneuve-d’Ascq', '59650', 50.6406, 3.1386),
        at('Sans coordonnées', 'Lille', '59000', null, null),
        at('Ajaccio', 'Ajaccio', '20000', 41.92, 8.74),
      ]);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await env?.dispose();
  });

  const names = (search: Awaited<ReturnType<PlacesFinder['search']>>) => search.places.map((found) => found.place.name);

  it('puts the nearest first when a postcode is given, with the distance', async () => {
    const search = await finder.search('59800');

    expect(search.kind).toBe('postcode');
    expect(names(search).slice(0, 3)).toEqual(['Fives', 'Lille Centre', 'Villeneuve']);
    expect(search.places[0].distanceKm).toBeLessThan(0.1);
    expect(search.places[1].distanceKm).toBeCloseTo(1.4, 0);
    // places without coordinates come after every place with some
    expect(names(search).indexOf('Sans coordonnées')).toBe(search.places.length - 1);
  });

  it('starts from the département when no place has that postcode', async () => {
    const search = await finder.search('59160');

    expect(names(search).slice(0, 3).sort()).toEqual(['Fives', 'Lille Centre', 'Villeneuve']);
  });

  it('falls back to the closest postcodes in a département with no place', async () => {
    // Given no place at all in the Oise (60)
    const search = await finder.search('60000');

    expect(names(search).slice(0, 2)).toEqual(['Fives', 'Villeneuve']);
    expect(search.places[0].distanceKm).toBeNull();
  });

  it('finds the places of a département by its number, Corsica included', async () => {
    expect(names(await finder.search('59'))).toEqual(['Fives', 'Lille Centre', 'Sans coordonnées', 'Villeneuve']);
    expect(names(await finder.search('2a'))).toEqual(['Ajaccio']);
  });

  it('finds a town without its accents, capitals or hyphens', async () => {
    expect(names(await finder.search('villeneuve d ascq'))).toEqual(['Villeneuve']);
    expect(names(await finder.search('MONTRÉUIL'))).toEqual(['Montreuil']);
    expect(names(await finder.search('lil'))).toEqual(['Fives', 'Lille Centre', 'Sans coordonnées']);
  });

  it('answers an empty list, not an error, for anything else', async () => {
    for (const query of ["'; DROP TABLE mediation_places; --", '%', '_', '\u0000', '99999']) {
      await expect(finder.search(query)).resolves.toMatchObject({ places: expect.any(Array) });
    }
    expect(names(await finder.search('%'))).toEqual([]);
  });
});
