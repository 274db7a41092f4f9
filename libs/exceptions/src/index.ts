export * from './all-exceptions.filter.js';
export * from './domain.exception.js';
export * from './enums/error-code.enum.js';
export * from './error-catalogue.js';
export * from './errors-markdown.js';
export * from './validation-failed.exception.js';
export * from './validation.pipe.js';
export * from './hostile-text.js';
