export * from './entities/mediation-place.entity.js';
export * from './opening-hours.js';
export * from './place-records.js';
export * from './places.module.js';
export * from './read-place-file.js';
export * from './services/places-finder.service.js';
export * from './services/places-importer.service.js';
