export * from './config/index.js';
export * from './constructs/index.js';
export * from './contract/index.js';
export * from './publisher/index.js';
export * from './tools/index.js';
