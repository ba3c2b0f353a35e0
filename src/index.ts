export * from './config/index.js';
export * from './constructs/index.js';
export * from './contract/index.js';
