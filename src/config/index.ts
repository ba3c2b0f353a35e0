export * from './defaults.js';
export * from './duration.js';
export * from './load.js';
export * from './names.js';
export * from './problems.js';
export * from './schema.js';
export * from './semantic.js';
export * from './types.js';
