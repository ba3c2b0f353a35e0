export * from './contract/index.js';
export * from './publisher/index.js';
