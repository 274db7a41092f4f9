export * from './birthdate.js';
export * from './french-dates.js';
export * from './is-birthdate.decorator.js';
