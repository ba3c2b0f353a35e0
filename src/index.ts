export * from './config/index.js';
export * from './contract/index.js';
