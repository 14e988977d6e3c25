export * from './locate.js';
export * from './match.js';
export * from './model.js';
export * from './parse.js';
export * from './preflight.js';
export * from './render.js';
