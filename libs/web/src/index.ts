export * from './configure-web.js';
export * from './form-page.js';
export * from './console-viewer.interceptor.js';
export * from './request-limits.js';
