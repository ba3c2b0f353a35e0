export * from './data-schema.js';
export * from './encoding.js';
export * from './publisher-env.js';
export * from './run-completion.js';
export * from './duration.js';
