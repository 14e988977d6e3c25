export * from './bytes.js';
export * from './checksums.js';
export * from './clock.js';
export * from './crc-combine.js';
export * from './errors.js';
export * from './ids.js';
export * from './principal.js';
export * from './xml.js';
