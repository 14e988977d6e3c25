export * from './access.js';
export * from './checksum-headers.js';
export * from './context.js';
export { s3Handlers } from './handlers/index.js';
export * from './names.js';
export * from './operations.js';
export * from './router.js';
